using FlagDashboard.Core.Data;
using FlagDashboard.Core.Versions;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.ChangeRequests;

/// <summary>
/// What one pass of the scheduler did: requests committed, and requests flagged as conflicts instead; and when the
/// next schedule is due (the time of the pass when more were already due than one pass takes), or null for none.
/// </summary>
public sealed record ScheduledRun(IReadOnlyList<int> Committed, IReadOnlyList<int> Conflicts, DateTimeOffset? NextDue = null);

/// <summary>
/// Commits the scheduled change requests that are due, each on exactly one instance of several sharing the
/// database: an instance claims a request by moving it out of <see cref="ChangeRequestStatus.Scheduled"/> in
/// the transaction that applies it. On PostgreSQL a second instance's claim waits on the row lock and then
/// finds the request no longer scheduled; a failure rolls the claim back, so the next pass tries again.
/// </summary>
public sealed class ScheduledChanges(IDbContextFactory<FlagDashboardDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>How far ahead a change may be scheduled.</summary>
    public static readonly TimeSpan MaxLead = TimeSpan.FromDays(366);

    private const int BatchSize = 20;

    public async Task<ScheduledRun> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        // One read for the pass and for the next: the earliest scheduled requests, one more than a pass takes.
        List<(int Id, DateTimeOffset At)> earliest;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            earliest = (await db.ChangeRequests.AsNoTracking()
                .Where(r => r.Status == ChangeRequestStatus.Scheduled && r.ScheduledFor != null)
                .OrderBy(r => r.ScheduledFor).ThenBy(r => r.Id)
                .Select(r => new { r.Id, r.ScheduledFor })
                .Take(BatchSize + 1)
                .ToListAsync(cancellationToken))
                .Select(r => (r.Id, r.ScheduledFor!.Value)).ToList();
        }

        var due = earliest.TakeWhile(r => r.At <= now).Take(BatchSize).Select(r => r.Id).ToList();
        var (committed, conflicts) = (new List<int>(), new List<int>());
        foreach (var id in due)
        {
            switch (await RunAsync(id, now, cancellationToken))
            {
                case ChangeRequestStatus.Committed:
                    committed.Add(id);
                    break;
                case ChangeRequestStatus.Conflict:
                    conflicts.Add(id);
                    break;
            }
        }

        // The first not taken is due already when more were due than a pass takes: then the next pass is now.
        DateTimeOffset? nextDue = earliest.Count > due.Count ? earliest[due.Count].At : null;
        return new ScheduledRun(committed, conflicts, nextDue <= now ? now : nextDue);
    }

    /// <summary>A schedule's time, when given, is in the future and within <see cref="MaxLead"/>.</summary>
    internal static void ValidateTime(DateTimeOffset? scheduledFor, TimeProvider clock)
    {
        if (scheduledFor is { } at)
        {
            var now = clock.GetUtcNow();
            new Validation()
                .Check(at > now && at - now <= MaxLead, "scheduledFor", $"A change is scheduled for a time in the future, at most {MaxLead.TotalDays:0} days ahead.")
                .ThrowIfInvalid();
        }
    }

    /// <returns>The request's status after this instance's attempt; <see cref="ChangeRequestStatus.Scheduled"/> when another instance took it.</returns>
    private async Task<ChangeRequestStatus> RunAsync(int id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The claim. The version rises so that a person's save of the request read before (a close) fails as a conflict.
        var claimed = await db.ChangeRequests
            .Where(r => r.Id == id && r.Status == ChangeRequestStatus.Scheduled && r.ScheduledFor <= now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, ChangeRequestStatus.Committed).SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
        if (claimed == 0)
        {
            return ChangeRequestStatus.Scheduled;
        }

        var request = await db.ChangeRequests.Include(r => r.Approvals).Include(r => r.Feature).Include(r => r.Environment).ThenInclude(e => e!.Project)
            .SingleAsync(r => r.Id == id, cancellationToken);
        var actor = request.ScheduledBy ?? request.Author;
        var live = await FeatureVersionService.LiveNumberAsync(db, request.FeatureId, request.EnvironmentId, cancellationToken);
        if (live != request.BaseVersion || request.Approvals.Count < request.Environment!.RequiredApprovals)
        {
            // Applying it now would undo a change made after it was scheduled: shown as a conflict, left for a person.
            request.Status = ChangeRequestStatus.Conflict;
            ChangeRequestService.Audit(db, actor, request, "conflict", clock);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ChangeRequestStatus.Conflict;
        }

        await ChangeRequestService.ApplyAsync(db, request, actor, live, clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ChangeRequestStatus.Committed;
    }
}
