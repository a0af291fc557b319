namespace FlagDashboard.Core.Usage;

/// <summary>The SDK resources whose calls are counted.</summary>
public enum SdkResource
{
    Flags,
    Identities,
    Traits,
    EnvironmentDocument,
    Analytics,
    Other,
}

/// <summary>
/// One SDK call's tags. Ids rather than names, so renames keep the history; null ids are calls with an
/// unknown or missing key, counted under the environment "unknown".
/// </summary>
public readonly record struct ApiCall(int? OrganisationId, int? ProjectId, int? EnvironmentId, SdkResource Resource, int StatusClass);

/// <summary>
/// The one recording point for SDK traffic. Called on the request path, so an implementation must not
/// block or do I/O: it counts in memory, and something else moves the counts to a store.
/// </summary>
public interface IUsageRecorder
{
    void RecordApiCall(in ApiCall call);

    /// <summary>Evaluation counts an SDK reported for one feature (by id; SDKs report names, the caller looks them up) in an environment.</summary>
    void RecordEvaluations(int organisationId, int projectId, int environmentId, int featureId, long count);
}

/// <summary>The recorder when usage analytics are switched off (<c>Usage:Enabled=false</c>): counts nothing.</summary>
public sealed class NoUsageRecorder : IUsageRecorder
{
    public void RecordApiCall(in ApiCall call)
    {
    }

    public void RecordEvaluations(int organisationId, int projectId, int environmentId, int featureId, long count)
    {
    }
}
