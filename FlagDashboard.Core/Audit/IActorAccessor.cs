using FlagDashboard.Core.Access;

namespace FlagDashboard.Core.Audit;

/// <summary>Names who is making the current change: a signed-in person, an admin API key, or the command line.</summary>
public interface IActorAccessor
{
    /// <summary>Who is acting, which decides what they may do (<see cref="AccessControl"/>).</summary>
    ValueTask<AccessSubject> GetSubjectAsync();

    /// <summary>The name the audit log gives the actor.</summary>
    async ValueTask<string> GetActorAsync() => (await GetSubjectAsync()).Name;
}

/// <summary>The operator, trusted with everything: the command line, start-up work and tests of the services.</summary>
public sealed class FixedActor(string name) : IActorAccessor
{
    public ValueTask<AccessSubject> GetSubjectAsync() => ValueTask.FromResult<AccessSubject>(new AccessSubject.Operator(name));
}
