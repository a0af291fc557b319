using System.Security.Cryptography;

namespace FlagDashboard.Core.Environments;

/// <summary>Random keys in Flagsmith's shapes: 22 URL-safe characters, server-side keys prefixed <c>ser.</c>.</summary>
public static class KeyGenerator
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewClientKey() => RandomNumberGenerator.GetString(Alphabet, 22);

    public static string NewServerSideKey() => ServerSideKey.Prefix + RandomNumberGenerator.GetString(Alphabet, 30);

    public static string NewSecret(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
