using Bunit;
using FlagDashboard.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace FlagDashboard.Tests.Components;

public sealed class CopyButtonTests : BunitContext
{
    private readonly BunitJSModuleInterop _module;

    public CopyButtonTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        _module = JSInterop.SetupModule(CopyButton.ModulePath);
    }

    [Fact]
    public async Task AClickCopiesTheWholeValueAndSaysWhatWasCopied()
    {
        var snackbar = Render<MudSnackbarProvider>();
        var cut = Render<CopyButton>(p => p.Add(c => c.Text, "ser.abcdefghijklmnopqrstuvwxyz1234").Add(c => c.What, "server-side key").Add(c => c.TestId, "copy"));

        await cut.Find("[data-testid=copy]").ClickAsync(new());

        var copy = Assert.Single(_module.Invocations["copy"]);
        Assert.Equal("ser.abcdefghijklmnopqrstuvwxyz1234", copy.Arguments[0]);
        snackbar.WaitForAssertion(() => Assert.Contains("Copied the server-side key.", snackbar.Markup));
    }

    [Fact]
    public async Task ARefusalByTheBrowserIsReportedNotThrown()
    {
        _module.SetupVoid("copy", _ => true).SetException(new Microsoft.JSInterop.JSException("Document is not focused."));
        var snackbar = Render<MudSnackbarProvider>();
        var cut = Render<CopyButton>(p => p.Add(c => c.Text, "key").Add(c => c.TestId, "copy"));

        await cut.Find("[data-testid=copy]").ClickAsync(new());

        snackbar.WaitForAssertion(() => Assert.Contains("The browser refused to copy: Document is not focused.", snackbar.Markup));
    }
}
