using FlagDashboard.Core.Usage;
using FlagDashboard.Sdk;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Sdk;

public sealed class SdkUsageMiddlewareTests
{
    [Theory]
    [InlineData("/api/v1/flags/", SdkResource.Flags)]
    [InlineData("/api/v1/identities/", SdkResource.Identities)]
    [InlineData("/api/v1/traits/bulk/", SdkResource.Traits)]
    [InlineData("/api/v1/environment-document/", SdkResource.EnvironmentDocument)]
    [InlineData("/api/v1/analytics/flags/", SdkResource.Analytics)]
    [InlineData("/api/v1/nothing/", SdkResource.Other)]
    public void EachSdkPathCountsUnderItsResource(string path, SdkResource expected) =>
        Assert.Equal(expected, SdkUsageMiddleware.ResourceOf(path));

    [Fact]
    public async Task ARejectedRequestIsCountedUnderAnUnknownEnvironment()
    {
        var counters = new UsageCounters(TimeProvider.System);
        var middleware = new SdkUsageMiddleware(context => { context.Response.StatusCode = 403; return Task.CompletedTask; }, counters, NullLogger<SdkUsageMiddleware>.Instance);

        await middleware.InvokeAsync(Request("/api/v1/flags/"));

        var call = Assert.Single(Assert.Single(counters.Drain()).ApiCalls);
        Assert.Equal(new ApiCall(null, null, null, SdkResource.Flags, 4), call.Key);
        Assert.Equal(1, call.Value);
    }

    [Fact]
    public async Task AFailureAnswers500InTheSdkShapeAndIsCounted()
    {
        var counters = new UsageCounters(TimeProvider.System);
        var middleware = new SdkUsageMiddleware(_ => throw new InvalidOperationException("boom"), counters, NullLogger<SdkUsageMiddleware>.Instance);
        var context = Request("/api/v1/identities/");
        context.RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();

        await middleware.InvokeAsync(context);

        Assert.Equal(500, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        Assert.Contains("\"detail\"", await new StreamReader(context.Response.Body).ReadToEndAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new ApiCall(null, null, null, SdkResource.Identities, 5), Assert.Single(Assert.Single(counters.Drain()).ApiCalls).Key);
    }

    [Fact]
    public async Task APreflightIsNotCounted()
    {
        var counters = new UsageCounters(TimeProvider.System);
        var middleware = new SdkUsageMiddleware(_ => Task.CompletedTask, counters, NullLogger<SdkUsageMiddleware>.Instance);
        var context = Request("/api/v1/flags/");
        context.Request.Method = "OPTIONS";

        await middleware.InvokeAsync(context);

        Assert.Empty(counters.Drain());
    }

    private static DefaultHttpContext Request(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }
}

public sealed class FlagsFastLaneTests
{
    [Fact]
    public async Task ARequestWithoutAKeyIs403InTheSdkShapeAndCounted()
    {
        var counters = new UsageCounters(TimeProvider.System);
        var reachedNext = false;
        var lane = Lane(_ => { reachedNext = true; return Task.CompletedTask; }, counters);
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Request.Method = "GET";
        context.Request.Path = "/api/v1/flags/";
        context.Request.Headers.Origin = "https://app.example.com";
        context.Response.Body = new MemoryStream();

        await lane.InvokeAsync(context);

        Assert.False(reachedNext);
        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal("*", context.Response.Headers.AccessControlAllowOrigin.ToString());
        Assert.Equal(new ApiCall(null, null, null, SdkResource.Flags, 4), Assert.Single(Assert.Single(counters.Drain()).ApiCalls).Key);
    }

    [Theory]
    [InlineData("POST", "/api/v1/flags/")]
    [InlineData("GET", "/api/v1/identities/")]
    [InlineData("OPTIONS", "/api/v1/flags/")] // Not a preflight: no Access-Control-Request-Method.
    public async Task EveryOtherRequestTakesTheOrdinaryPath(string method, string path)
    {
        var counters = new UsageCounters(TimeProvider.System);
        var reachedNext = false;
        var lane = Lane(_ => { reachedNext = true; return Task.CompletedTask; }, counters);
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;

        await lane.InvokeAsync(context);

        Assert.True(reachedNext);
        Assert.Empty(counters.Drain());
    }

    private static FlagsFastLane Lane(RequestDelegate next, UsageCounters counters)
    {
        var cors = Options.Create(new CorsOptions());
        return new FlagsFastLane(next, counters, new CorsService(cors, NullLoggerFactory.Instance), new DefaultCorsPolicyProvider(cors), NullLogger<FlagsFastLane>.Instance);
    }
}
