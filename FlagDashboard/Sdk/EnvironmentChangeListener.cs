using FlagDashboard.Core.Data;
using FlagDashboard.Core.Sdk;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlagDashboard.Sdk;

/// <summary>
/// On PostgreSQL, where several instances share the database: listens on the channel that the
/// <c>Environments</c> trigger notifies when a change stamps an environment (whichever instance, verb or
/// session made it), and refreshes the SDK answers in memory at once. A refresh also runs every
/// <see cref="SafetyNetInterval"/> without a notification and on every (re)connection, so a dropped
/// listening connection delays a change by seconds, never loses it. On the same connection it hears which
/// identities changed (<see cref="IdentityChanges.Channel"/>) for the cache of returning identities, which serves
/// only while this connection listens.
/// </summary>
internal sealed class EnvironmentChangeListener(
    SdkEnvironmentStore store,
    SdkIdentityCache identities,
    IOptions<DatabaseOptions> options,
    ILogger<EnvironmentChangeListener> logger) : BackgroundService
{
    /// <summary>The channel of the trigger made by the PostgreSQL migration <c>EnvironmentChangeNotifications</c>.</summary>
    public const string Channel = "flagdashboard_environment_changed";

    internal static readonly TimeSpan SafetyNetInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString)
        {
            // A listening session is not to be shared through the pool; keep-alives notice a silently dead link.
            Pooling = false,
            KeepAlive = 15,
            ApplicationName = "flagdashboard-change-listener",
        }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(connectionString, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                identities.Suspend();
                logger.LogWarning(exception, "Listening for environment changes failed; reconnecting in {Delay}", ReconnectDelay);
                await RefreshQuietlyAsync(stoppingToken);
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
        }
    }

    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var environmentChanged = false;
        connection.Notification += (_, notification) =>
        {
            if (notification.Channel == IdentityChanges.Channel)
            {
                IdentityChanges.Announce(IdentityChanges.Parse(notification.Payload));
            }
            else
            {
                environmentChanged = true;
            }
        };
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {IdentityChanges.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Whatever changed while this instance was not listening.
        identities.Resume();
        await store.RefreshAsync(stoppingToken);
        while (true)
        {
            // True on a notification, false when the interval passed without one. Identity notifications are
            // handled as they come; environments are refreshed on theirs and at every interval.
            if (await connection.WaitAsync(SafetyNetInterval, stoppingToken) && !environmentChanged)
            {
                continue;
            }

            environmentChanged = false;
            await RefreshQuietlyAsync(stoppingToken);
        }
    }

    private async Task RefreshQuietlyAsync(CancellationToken stoppingToken)
    {
        try
        {
            await store.RefreshAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // SDKs keep the last good answers; the next notification or interval tries again.
            logger.LogWarning(exception, "Checking environments for changes failed");
        }
    }
}
