using System.ComponentModel.DataAnnotations;

namespace FlagDashboard.Core.Data;

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Where the SQLite database (and anything else the app keeps) lives.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Overrides the SQLite file under <see cref="DataDirectory"/> when set.</summary>
    public string? ConnectionString { get; set; }

    public string ResolveSqliteConnectionString() =>
        string.IsNullOrWhiteSpace(ConnectionString)
            ? $"Data Source={Path.Combine(Path.GetFullPath(DataDirectory), "flagdashboard.db")};Foreign Keys=True"
            : ConnectionString;
}
