using System.Security.Cryptography;
using System.Text;

namespace FlagDashboard.Core.Environments;

/// <summary>Random keys in Flagsmith's shapes: 22 URL-safe characters, server-side keys prefixed <c>ser.</c>.</summary>
public static class KeyGenerator
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewClientKey() => RandomNumberGenerator.GetString(Alphabet, 22);

    public static string NewServerSideKey() => ServerSideKey.Prefix + RandomNumberGenerator.GetString(Alphabet, 30);

    public static string NewSecret(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>
    /// What is stored of a secret shown once (admin API keys, invitation links). Such a secret has 238 bits of entropy,
    /// so a fast unsalted hash is enough to make a stolen table useless.
    /// </summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
