using FlagDashboard.Core.Engine.JsonPath;
using Microsoft.Extensions.Logging;

namespace FlagDashboard.Core.Engine;

/// <summary>What compiling one context shares between its segments, rules and conditions.</summary>
internal sealed class CompilationScope(PathNode staticRoot, CompileOptions options)
{
    /// <summary>The context without its identity, to resolve queries that cannot reach the identity once.</summary>
    public PathNode StaticRoot { get; } = staticRoot;

    public CompileOptions Options { get; } = options;

    public ILogger Logger => Options.Logger;

    /// <summary>The hash prefixes (<c>"{segment key},"</c>) of the splits on the identity key, by slot.</summary>
    public List<byte[]> IdentityKeySplitPrefixes { get; } = [];
}
