using Bunit;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace FlagDashboard.Tests.Flags;

/// <summary>
/// Dashboard components in bUnit over the real Core services on a fresh SQLite file, with MudBlazor's
/// popover, dialog and snackbar providers rendered as the layout renders them.
/// </summary>
public abstract class DashboardComponentTest : BunitContext, IAsyncLifetime
{
    protected CoreServices Core { get; private set; } = null!;

    protected EmbeddedUsageStore UsageStore { get; private set; } = null!;

    protected DashboardSelection Selection { get; } = new();

    protected static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Core = await CoreServices.CreateAsync();
        var usageOptions = Options.Create(new UsageOptions());
        UsageStore = new EmbeddedUsageStore(Core.Database, usageOptions, Core.Clock);
        JSInterop.Mode = JSRuntimeMode.Loose;
        JSInterop.SetupModule(ApexChart.ModulePath);
        Services.AddMudServices();
        Services.AddLogging();
        Services.AddSingleton<TimeProvider>(Core.Clock);
        Services.AddSingleton(Core.Features);
        Services.AddSingleton(Core.Versions);
        Services.AddSingleton(Core.ChangeRequests);
        Services.AddSingleton(Core.Projects);
        Services.AddSingleton(Core.Environments);
        Services.AddSingleton(Core.Segments);
        Services.AddSingleton(Core.Identities);
        var usage = new UsageQueryService(UsageStore, Core.Database, Core.Access, Core.Clock);
        Services.AddSingleton(usage);
        Services.AddSingleton(new StaleFlagService(usage, Core.Database, Core.Access, Core.Clock));
        Services.AddSingleton(Selection);
        Services.AddSingleton(Core.Access);
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Core.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The providers and then the component, as MainLayout hosts a page.</summary>
    protected IRenderedComponent<TComponent> RenderInLayout<TComponent>(IReadOnlyDictionary<string, object?>? parameters = null)
        where TComponent : IComponent
    {
        Host = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<TComponent>(3);
            foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
            {
                builder.AddAttribute(4, name, value);
            }

            builder.CloseComponent();
        });
        return Host.FindComponent<TComponent>();
    }

    /// <summary>
    /// The text box of a MudBlazor input, whichever of its elements carries the test id, once it is rendered:
    /// a click's handler may finish its render after the click returns.
    /// </summary>
    protected static AngleSharp.Dom.IElement TextInput(IRenderedComponent<IComponent> rendered, string testId)
    {
        var element = rendered.WaitForElement($"[data-testid={testId}]");
        return element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("input, textarea") ?? throw new InvalidOperationException($"{testId} has no text box.");
    }

    /// <summary>Everything rendered, dialogs and popovers included.</summary>
    protected IRenderedComponent<IComponent> Host { get; private set; } = null!;
}
