using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>Debian's headless Chromium driven by Playwright (its own browser download cannot work here).</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: the README's test command installs Debian's chromium package.");
        }

        // A page that renders later on a busy machine is still right: assertions wait as long as Eventually does.
        Assertions.SetDefaultExpectTimeout((float)Eventually.Deadline.TotalMilliseconds);
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
        return (playwright, browser);
    }

    /// <summary>Saves a screenshot with the test output, for a person to look at.</summary>
    public static async Task SaveScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
    }
}
