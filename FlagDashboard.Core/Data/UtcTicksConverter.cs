using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlagDashboard.Core.Data;

/// <summary>Stores a point in time as UTC ticks; read back with a zero offset.</summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
