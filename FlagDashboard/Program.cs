using FlagDashboard.Hosting;
using FlagDashboard.Operator;

if (OperatorCommandLine.IsCommand(args))
{
    return await OperatorCommandLine.RunAsync(args);
}

// Settings and assets come from beside the executable; relative paths (./data, files given to verbs) from where it was started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFlagDashboard();

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.UseFlagDashboard();
await app.RunAsync();
return 0;
