using Bunit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Identities;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Identities;

public sealed class TraitEditorTests : BunitContext
{
    private readonly List<(string Key, FlagValue Value)> _saved = [];

    public TraitEditorTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void AWholeNumberIsSavedAsAnIntegerTrait()
    {
        var cut = RenderNew();

        cut.Find("input[data-testid=trait-key]").Change("age");
        ChooseType(cut, FlagValueType.Integer);
        cut.Find("input[data-testid=value-text]").Input("42");
        cut.Find("form").Submit();

        Assert.Equal(("age", FlagValue.FromInteger(42)), Assert.Single(_saved));
    }

    [Fact]
    public void TextThatIsNotANumberOfTheTypeIsRefusedNextToTheField()
    {
        var cut = RenderNew();

        cut.Find("input[data-testid=trait-key]").Change("age");
        ChooseType(cut, FlagValueType.Integer);
        cut.Find("input[data-testid=value-text]").Input("forty");
        cut.Find("form").Submit();

        Assert.Empty(_saved);
        Assert.Contains("'forty' is not a whole number", cut.Find("[data-testid=trait-editor]").TextContent);
    }

    [Fact]
    public void TheSameTextIsADifferentValueForEachType()
    {
        var cut = RenderNew();
        cut.Find("input[data-testid=trait-key]").Change("score");
        cut.Find("input[data-testid=value-text]").Input("1");
        cut.Find("form").Submit();
        ChooseType(cut, FlagValueType.Double);
        cut.Find("form").Submit();

        Assert.Equal([FlagValue.FromString("1"), FlagValue.FromDouble(1)], _saved.Select(s => s.Value));
        Assert.Equal("1.0", _saved[1].Value.ToJson());
    }

    [Fact]
    public void ABooleanIsChosenWithASwitch()
    {
        var cut = RenderNew();
        cut.Find("input[data-testid=trait-key]").Change("beta");
        ChooseType(cut, FlagValueType.Bool);
        cut.Find("input[data-testid=value-bool]").Change(true);
        cut.Find("form").Submit();

        Assert.Equal(("beta", FlagValue.FromBool(true)), Assert.Single(_saved));
    }

    [Fact]
    public void AnExistingTraitOpensWithItsTypeAndItsKeyFixed()
    {
        var cut = Render<TraitEditor>(p => p.Add(c => c.Key, "ratio").Add(c => c.Value, FlagValue.FromDouble(0.5)).Add(c => c.Save, SaveAsync));

        Assert.Equal("0.5", cut.Find("input[data-testid=value-text]").GetAttribute("value"));
        Assert.True(cut.Find("input[data-testid=trait-key]").HasAttribute("disabled"));
        cut.Find("input[data-testid=value-text]").Input("2");
        cut.Find("form").Submit();
        Assert.Equal(("ratio", FlagValue.FromDouble(2)), Assert.Single(_saved));
    }

    [Fact]
    public async Task TraitsSavedThroughTheServiceKeepTheirTypes()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development");
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "ann", Token);
        var cut = Render<TraitEditor>(p => p.Add(c => c.Save, async (key, value) =>
        {
            await core.Identities.SetTraitAsync(identity.Id, key, value, Token);
            return null;
        }));

        cut.Find("input[data-testid=trait-key]").Change("age");
        ChooseType(cut, FlagValueType.Integer);
        cut.Find("input[data-testid=value-text]").Input("42");
        await cut.Find("form").SubmitAsync();

        var trait = Assert.Single((await core.Identities.GetAsync(identity.Id, Token)).Traits);
        Assert.Equal(("age", FlagValueType.Integer, "42"), (trait.Key, trait.Value.Type, trait.Value.ToJson()));
    }

    private IRenderedComponent<TraitEditor> RenderNew() => Render<TraitEditor>(p => p.Add(c => c.Save, SaveAsync));

    private Task<string?> SaveAsync(string key, FlagValue value)
    {
        _saved.Add((key, value));
        return Task.FromResult<string?>(null);
    }

    private static void ChooseType(IRenderedComponent<TraitEditor> cut, FlagValueType type)
    {
        var group = cut.FindComponent<MudToggleGroup<FlagValueType>>();
        cut.InvokeAsync(() => group.Instance.ValueChanged.InvokeAsync(type)).GetAwaiter().GetResult();
    }
}
