using System.Security.Cryptography;
using FlagDashboard.Core.Data;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>
/// The <c>instance</c> tag when <c>Usage:InfluxDB:Instance</c> is not set: a name made once per install and
/// kept in the data directory, so a container restarted with a new hostname is still the same instance (a
/// new name would start new raw series). An explicit setting wins, which is how a StatefulSet's pod name gets
/// there. Instances that share a data directory must each set their own.
/// </summary>
public sealed class InfluxInstanceDefault(IOptions<DatabaseOptions> database) : IPostConfigureOptions<InfluxUsageOptions>
{
    public const string FileName = "usage-instance";

    public void PostConfigure(string? name, InfluxUsageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Instance))
        {
            options.Instance = ReadOrCreate(database.Value.DataDirectory);
        }
    }

    /// <summary>
    /// The name in <paramref name="dataDirectory"/>, made there first (the machine name of the day and a random
    /// suffix, readable and unique); the machine name when the directory cannot be written.
    /// </summary>
    public static string ReadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        try
        {
            if (Read(path) is { } existing)
            {
                return existing;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var made = $"{Environment.MachineName}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
            var temporary = $"{path}.{Guid.NewGuid():N}";
            File.WriteAllText(temporary, made + "\n");
            try
            {
                // A move that does not overwrite: of two processes starting at once, the first name stays.
                File.Move(temporary, path, overwrite: false);
                return made;
            }
            catch (IOException) when (Read(path) is { } first)
            {
                File.Delete(temporary);
                return first;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Environment.MachineName;
        }
    }

    private static string? Read(string path) =>
        File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } name ? name : null;
}
