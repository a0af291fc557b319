using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>What the admin pages' browser tests do again and again: sign in, open a page, pick from a MudSelect, answer a dialog.</summary>
public sealed class AdminPages(IPage page, Uri baseAddress)
{
    public DashboardShell Shell { get; } = new(page);

    public async Task SignInAsync()
    {
        var login = new LoginPage(page, baseAddress);
        await login.OpenAsync();
        await login.SignInAsync(AppWithAdminFixtureEmail, AppWithAdminFixturePassword);
        await Shell.WaitForInteractiveAsync();
    }

    /// <summary>Follows a navigation link inside the circuit, so the project and environment picked stay picked.</summary>
    public async Task OpenAsync(string navigation, string readyTestId) =>
        await Interactive.RetryAsync(async () =>
        {
            await Shell.NavLink(navigation).ClickAsync();
            await page.GetByTestId(readyTestId).First.WaitForAsync(new() { Timeout = 3000 });
        });

    /// <summary>Opens a MudSelect (its combobox carries the test id) and clicks the option with this text.</summary>
    public async Task ChooseAsync(ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^\\s*{System.Text.RegularExpressions.Regex.Escape(option)}\\s*$") }).ClickAsync();
    }

    /// <summary>Types into a MudTextField that commits on change, then leaves it.</summary>
    public static async Task FillAsync(ILocator input, string text)
    {
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    /// <summary>Types a name into the name dialog and saves it, with the Save button or, as a keyboard user would, with Enter.</summary>
    public async Task AnswerNameDialogAsync(string name, bool pressEnter = false)
    {
        var input = page.Locator("input[data-testid=name-dialog-input]");
        await input.FillAsync(name);
        if (pressEnter)
        {
            await input.PressAsync("Enter");
        }
        else
        {
            await page.GetByTestId("name-dialog-save").ClickAsync();
        }

        await Assertions.Expect(input).ToHaveCountAsync(0);
    }

    /// <summary>Answers the open confirmation and waits for it to close, so the next dialog found is a new one.</summary>
    public async Task ConfirmAsync(string button)
    {
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
    }

    public ILocator SnackbarSaying(string text) => page.Locator(".mud-snackbar", new() { HasText = text });

    private const string AppWithAdminFixtureEmail = Infrastructure.AppWithAdminFixture.Email;
    private const string AppWithAdminFixturePassword = Infrastructure.AppWithAdminFixture.Password;
}
