using Bunit;
using FlagDashboard.Organisations;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Organisations;

/// <summary>The organisations panel and its name dialog over the real OrganisationService.</summary>
public sealed class OrganisationsPanelTests : BunitContext, IAsyncLifetime
{
    private CoreServices _core = null!;
    private IRenderedComponent<MudDialogProvider> _dialogs = null!;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.CreateAsync("ann");
        await _core.Organisations.CreateAsync("Acme", Token);
        await _core.Organisations.CreateAsync("Globex", Token);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_core.Organisations);
        Services.AddSingleton(_core.Access);
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        _dialogs = Render<MudDialogProvider>();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _core.DisposeAsync();
    }

    [Fact]
    public async Task ATakenNameIsRefusedInsideTheDialogAndAFreeOneRenames()
    {
        var changed = 0;
        var cut = Render<OrganisationsPanel>(p => p.Add(c => c.Changed, () => changed++));
        cut.WaitForElement("[data-testid=organisations-table]");

        // Not awaited: the click's handler waits for the dialog to close.
        // Found and clicked on the renderer's thread: a re-render in between would leave a stale handler.
        var renaming = cut.InvokeAsync(() => cut.FindAll("[data-testid=rename-organisation]")[0].ClickAsync(new()));
        var input = _dialogs.WaitForElement("input[data-testid=name-dialog-input]");
        Assert.Equal("Acme", input.GetAttribute("value"));
        input.Input("Globex");
        await _dialogs.Find("[data-testid=name-dialog-save]").ClickAsync(new());

        _dialogs.WaitForAssertion(() => Assert.Contains("An organisation named 'Globex' already exists.", _dialogs.Markup));
        Assert.Equal(0, changed);

        _dialogs.Find("input[data-testid=name-dialog-input]").Input("Acme Corp");
        await _dialogs.Find("form").SubmitAsync();

        await renaming.WaitAsync(TimeSpan.FromSeconds(10), Token);
        _dialogs.WaitForAssertion(() => Assert.Empty(_dialogs.FindAll("input[data-testid=name-dialog-input]")));
        Assert.Equal(1, changed);
        Assert.Equal(["Acme Corp", "Globex"], (await _core.Organisations.ListAsync(Token)).Select(o => o.Name));
    }
}
