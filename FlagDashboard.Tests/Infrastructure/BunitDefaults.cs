using System.Runtime.CompilerServices;
using Bunit;

namespace FlagDashboard.Tests.Infrastructure;

internal static class BunitDefaults
{
    // Component tests run on real databases (PostgreSQL too) beside browser tests on two cores: a page's first
    // load can take longer than bUnit's one-second default for WaitFor… without anything being wrong.
    [ModuleInitializer]
    internal static void WaitLonger() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
}
