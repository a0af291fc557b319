namespace FlagDashboard.Core.Audit;

/// <summary>Names who is making the current change: a signed-in person, an admin API key, or the command line.</summary>
public interface IActorAccessor
{
    ValueTask<string> GetActorAsync();
}

/// <summary>A fixed actor, for the command line and tests.</summary>
public sealed class FixedActor(string name) : IActorAccessor
{
    public ValueTask<string> GetActorAsync() => ValueTask.FromResult(name);
}
