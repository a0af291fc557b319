using System.ComponentModel.DataAnnotations;

namespace FlagDashboard.Core.Data;

public enum DatabaseProvider
{
    /// <summary>One file beside the app: one instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by any number of instances.</summary>
    Postgres,
}

public sealed class DatabaseOptions : IValidatableObject
{
    public const string SectionName = "Database";

    /// <summary>The name under <c>ConnectionStrings</c> that <see cref="ConnectionString"/> is read from when not set here.</summary>
    public const string ConnectionStringName = "FlagDashboard";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Where the SQLite database (and anything else the app keeps) lives.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// <c>ConnectionStrings:FlagDashboard</c> (or <c>Database:ConnectionString</c>): required for PostgreSQL;
    /// for SQLite it overrides the file under <see cref="DataDirectory"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    public string ResolveSqliteConnectionString() =>
        string.IsNullOrWhiteSpace(ConnectionString)
            ? $"Data Source={Path.Combine(Path.GetFullPath(DataDirectory), "flagdashboard.db")};Foreign Keys=True"
            : ConnectionString;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                $"Database:Provider is Postgres: set ConnectionStrings:{ConnectionStringName} (for example Host=db;Database=flagdashboard;Username=flagdashboard;Password=...).",
                [nameof(ConnectionString)]);
        }
    }
}
