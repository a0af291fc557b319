using System.Diagnostics;
using System.Text.Json;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>How a page is looked at: its size, its theme, and whether it is a phone.</summary>
public sealed record Viewing(string Name, int Width, int Height, bool Dark)
{
    public bool Phone => Width < 600;

    public static readonly IReadOnlyDictionary<string, Viewing> All = new Dictionary<string, Viewing>
    {
        ["desktop"] = new("desktop", 1440, 900, Dark: false),
        ["desktop-dark"] = new("desktop-dark", 1440, 900, Dark: true),
        ["phone"] = new("phone", 390, 844, Dark: false),
        ["phone-dark"] = new("phone-dark", 390, 844, Dark: true),
    };

    public BrowserNewContextOptions ContextOptions() => new()
    {
        ViewportSize = new() { Width = Width, Height = Height },
        IsMobile = Phone,
        HasTouch = Phone,
        ColorScheme = Dark ? ColorScheme.Dark : ColorScheme.Light,
        Locale = "en-GB",
    };
}

/// <summary>
/// The checks every page must pass: axe-core (npm, injected into the page) with no serious or critical violation,
/// nothing wider than the viewport, no region scrolling sideways, no console or page error and no Blazor error UI.
/// </summary>
public static class PageQuality
{
    private static readonly SemaphoreSlim NpmInstall = new(1, 1);

    private static string? _axeSource;

    private static string ToolsDirectory => Path.Combine(AppPaths.RepositoryRoot, "FlagDashboard.Tests", "E2E", "Accessibility");

    /// <summary>axe.min.js from the committed package.json (scripts/test.sh installs it; installed here when missing).</summary>
    public static async Task<string> AxeSourceAsync()
    {
        await NpmInstall.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            var path = Path.Combine(ToolsDirectory, "node_modules", "axe-core", "axe.min.js");
            if (!File.Exists(path))
            {
                using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]) { WorkingDirectory = ToolsDirectory })!;
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                await npm.WaitForExitAsync(timeout.Token);
                Assert.True(npm.ExitCode == 0, $"npm ci in {ToolsDirectory} failed");
            }

            return _axeSource ??= await File.ReadAllTextAsync(path);
        }
        finally
        {
            NpmInstall.Release();
        }
    }

    /// <summary>Runs the checks on the page as it is now and returns what fails, one line each.</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(IPage page, Viewing viewing, bool signedIn)
    {
        var failures = new List<string>();
        // Evaluated through the DevTools protocol, which a Content-Security-Policy does not stop (a script tag would be).
        await page.EvaluateAsync(await AxeSourceAsync());
        var axe = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} at ` + v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 160) + ([...n.any, ...n.all, ...n.none][0]?.message ? ` (${[...n.any, ...n.all, ...n.none][0].message})` : '')).join('; ') + (v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : ''));
            }
            """);
        failures.AddRange(axe.EnumerateArray().Select(v => "axe " + v.GetString()));

        var layout = await page.EvaluateAsync<JsonElement>("""
            () => {
              const width = document.documentElement.clientWidth;
              const name = el => el.tagName.toLowerCase() + (el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : '');
              const wide = [];
              if (document.documentElement.scrollWidth > width + 1) {
                for (const el of document.body.querySelectorAll('*')) {
                  const r = el.getBoundingClientRect();
                  if (r.width > 0 && r.right > width + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > width + 1)) wide.push(`${name(el)} reaches ${Math.round(r.right)} px`);
                }
              }
              const sideways = [];
              for (const el of document.body.querySelectorAll('*')) {
                const style = getComputedStyle(el);
                if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) sideways.push(`${name(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`);
              }
              const errorUi = document.getElementById('blazor-error-ui');
              return {
                scrollWidth: document.documentElement.scrollWidth, width,
                wide: wide.slice(0, 6), sideways: sideways.slice(0, 6),
                errorUi: !!errorUi && getComputedStyle(errorUi).display !== 'none',
              };
            }
            """);
        var scrollWidth = layout.GetProperty("scrollWidth").GetInt32();
        if (scrollWidth > layout.GetProperty("width").GetInt32() + 1)
        {
            failures.Add($"wider than the viewport: {scrollWidth} px; " + string.Join("; ", layout.GetProperty("wide").EnumerateArray().Select(e => e.GetString())));
        }

        failures.AddRange(layout.GetProperty("sideways").EnumerateArray().Select(e => e.GetString()!));
        if (layout.GetProperty("errorUi").GetBoolean())
        {
            failures.Add("Blazor's error UI is showing");
        }

        if (signedIn)
        {
            // The app bar's controls must be on the screen at every size: a phone user switches environment and signs out there too.
            var offScreen = await page.EvaluateAsync<string[]>("""
                ids => ids.flatMap(id => {
                  const el = document.querySelector(`[data-testid=${id}]`);
                  if (!el) return [`${id} is missing`];
                  const r = el.getBoundingClientRect();
                  return r.width === 0 || r.left < 0 || r.right > document.documentElement.clientWidth + 1 || r.bottom > window.innerHeight
                    ? [`${id} is not on the screen (${Math.round(r.left)}..${Math.round(r.right)} px)`] : [];
                })
                """, new[] { "nav-toggle", "environment-picker", "dark-mode-toggle", "account-menu" });
            failures.AddRange(offScreen);
        }

        return failures;
    }

    /// <summary>Collects what the page logs as errors and what it throws, from now on.</summary>
    public static List<string> CollectErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            // A 404 page's own status is logged by Chromium as a failed load: that is what the page is for.
            if (message.Type == "error" && !(message.Text.Contains("status of 404", StringComparison.Ordinal) && message.Location.StartsWith(page.Url, StringComparison.Ordinal)))
            {
                lock (errors)
                {
                    errors.Add($"console error: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"page error: {error}");
            }
        };
        return errors;
    }
}
