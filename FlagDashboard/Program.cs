using FlagDashboard.Hosting;

if (OperatorCommandLine.IsCommand(args))
{
    return await OperatorCommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddFlagDashboard();

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.UseFlagDashboard();
await app.RunAsync();
return 0;
