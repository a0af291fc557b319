using System.Diagnostics;
using System.Text.Json;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Members;

/// <summary>A received message, decoded by Python's email package.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Subject, string Body);

/// <summary>
/// Debian's aiosmtpd on a free loopback port, as the invitations' mail server: each message it receives is
/// printed as one JSON line, which the test reads.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import email, json, sys, threading
        from email import policy
        from aiosmtpd.controller import Controller

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=policy.default)
                body = message.get_body(preferencelist=('plain',)).get_content()
                print(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "subject": str(message["subject"]), "body": body}), flush=True)
                return "250 OK"

        controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
        controller.start()
        print("ready", flush=True)
        threading.Event().wait()
        """;

    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private readonly System.Text.StringBuilder _errors = new();

    private SmtpSink(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts the server, or skips the test where Debian's python3-aiosmtpd is not installed (scripts/test.sh installs it).</summary>
    public static async Task<SmtpSink> StartAsync()
    {
        Assert.SkipUnless(File.Exists(Python) && (await CommandResult.RunProgramAsync(Python, ["-c", "import aiosmtpd"], new Dictionary<string, string>(), Path.GetTempPath(), TimeSpan.FromSeconds(30))).ExitCode == 0,
            "Debian's python3-aiosmtpd is not installed (scripts/test.sh installs it).");
        var port = AppProcess.FreePort();
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", Script, port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var sink = new SmtpSink(Process.Start(start)!, port);
        sink._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                sink._lines.Writer.TryWrite(line);
            }
        };
        sink._process.ErrorDataReceived += (_, e) =>
        {
            lock (sink._errors)
            {
                sink._errors.AppendLine(e.Data);
            }
        };
        sink._process.BeginOutputReadLine();
        sink._process.BeginErrorReadLine();
        var ready = await sink.NextLineAsync("the SMTP server to start");
        Assert.Equal("ready", ready);
        return sink;
    }

    /// <summary>The next message received, waiting up to <see cref="Eventually.Deadline"/>.</summary>
    public async Task<ReceivedMail> NextMessageAsync()
    {
        var line = await NextLineAsync("a message to reach the SMTP server");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new ReceivedMail(
            root.GetProperty("from").GetString()!,
            root.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList(),
            root.GetProperty("subject").GetString()!,
            root.GetProperty("body").GetString()!);
    }

    private async Task<string> NextLineAsync(string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Eventually.Deadline);
        try
        {
            return await _lines.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            lock (_errors)
            {
                throw new TimeoutException($"Waited {Eventually.Deadline} for {what}; the server said: {_errors}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
