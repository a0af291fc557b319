using FlagDashboard.Core.Access;
using FlagDashboard.Core.ApiKeys;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Segments;
using FlagDashboard.Core.Versions;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Tests.Infrastructure;

/// <summary>The Core services over one fresh migrated database, acting as one actor on a manual clock.</summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly bool _ownsDatabase;

    private CoreServices(TestDatabase database, ManualClock clock, IActorAccessor actors, bool ownsDatabase)
    {
        Database = database;
        Clock = clock;
        Actor = actors.GetActorAsync().AsTask().GetAwaiter().GetResult();
        _ownsDatabase = ownsDatabase;
        Access = AccessFor(database, actors);
        Organisations = new OrganisationService(database, actors, Access, clock);
        Projects = new ProjectService(database, actors, Access, clock);
        Environments = new EnvironmentService(database, actors, Access, clock);
        Features = new FeatureService(database, actors, Access, clock);
        Versions = new FeatureVersionService(database, actors, Access, clock);
        ChangeRequests = new ChangeRequestService(database, actors, Access, clock);
        Segments = new SegmentService(database, actors, Access, clock);
        Identities = new IdentityService(database, actors, Access, clock);
        Audit = new AuditLogService(database, Access);
        ApiKeys = new AdminApiKeyService(database, actors, Access, clock);
        Members = new MembersService(database, actors, Access, clock, Microsoft.Extensions.Options.Options.Create(new InvitationOptions()));
    }

    /// <summary>The access rule over a database for one subject; the operator (<see cref="FixedActor"/>) may do everything.</summary>
    public static AccessControl AccessFor(IDbContextFactory<FlagDashboardDbContext> database, IActorAccessor actors) =>
        new(database, actors, new OrganisationOwnership(database));

    public static AccessControl OperatorAccess(IDbContextFactory<FlagDashboardDbContext> database) => AccessFor(database, new FixedActor("operator"));

    public AccessControl Access { get; }

    public TestDatabase Database { get; }

    public ManualClock Clock { get; }

    public string Actor { get; }

    public OrganisationService Organisations { get; }

    public ProjectService Projects { get; }

    public EnvironmentService Environments { get; }

    public FeatureService Features { get; }

    public FeatureVersionService Versions { get; }

    public ChangeRequestService ChangeRequests { get; }

    public SegmentService Segments { get; }

    public IdentityService Identities { get; }

    public AuditLogService Audit { get; }

    public AdminApiKeyService ApiKeys { get; }

    public MembersService Members { get; }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<CoreServices> CreateAsync(string actor = "tester") =>
        new(await TestDatabase.CreateAsync(), new ManualClock(), new FixedActor(actor), ownsDatabase: true);

    /// <summary>On a given provider, whatever the suite's default: for what only PostgreSQL shows (row locks between instances).</summary>
    public static async Task<CoreServices> CreateAsync(DatabaseProvider provider, string actor) =>
        new(await TestDatabase.CreateAsync(provider), new ManualClock(), new FixedActor(actor), ownsDatabase: true);

    /// <summary>The same database and clock, changes made by someone else.</summary>
    public CoreServices As(string actor) => new(Database, Clock, new FixedActor(actor), ownsDatabase: false);

    /// <summary>The same database and clock, acting as a person, an API key or nobody: what they may do is decided by the access rule.</summary>
    public CoreServices As(AccessSubject subject) => new(Database, Clock, new SubjectActor(subject), ownsDatabase: false);

    public FlagDashboardDbContext NewContext() => Database.CreateDbContext();

    /// <summary>An organisation with one project and the named environments in it.</summary>
    public async Task<SeededProject> SeedProjectAsync(params string[] environmentNames)
    {
        var organisation = await Organisations.CreateAsync($"Org {Guid.NewGuid():N}", Token);
        var project = await Projects.CreateAsync(organisation.Id, "Shop", Token);
        var environments = new List<ProjectEnvironment>();
        foreach (var name in environmentNames.Length == 0 ? ["Development", "Production"] : environmentNames)
        {
            environments.Add(await Environments.CreateAsync(project.Id, name, Token));
        }

        return new SeededProject(organisation.Id, project.Id, environments.Select(e => e.Id).ToList());
    }

    /// <summary>Every feature state of a feature, with its weights, read straight from the database.</summary>
    public async Task<List<FeatureState>> StatesOfAsync(int featureId)
    {
        await using var db = NewContext();
        return await db.FeatureStates.AsNoTracking().Include(s => s.Weights).ThenInclude(w => w.Option)
            .Where(s => s.FeatureId == featureId).OrderBy(s => s.EnvironmentId).ThenBy(s => s.Id).ToListAsync(Token);
    }

    /// <summary>The default state of a feature in an environment.</summary>
    public async Task<FeatureState> DefaultStateAsync(int featureId, int environmentId) =>
        (await StatesOfAsync(featureId)).Single(s => s.EnvironmentId == environmentId && s.SegmentId == null && s.IdentityId == null);

    public async Task<ProjectEnvironment> EnvironmentRowAsync(int environmentId)
    {
        await using var db = NewContext();
        return await db.Environments.AsNoTracking().SingleAsync(e => e.Id == environmentId, Token);
    }

    public async Task<List<AuditEntry>> AuditEntriesAsync()
    {
        await using var db = NewContext();
        return await db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}

/// <summary>Acts as a given subject, as the dashboard's actor accessor does for a signed-in person or an API key.</summary>
public sealed class SubjectActor(AccessSubject subject) : IActorAccessor
{
    public ValueTask<AccessSubject> GetSubjectAsync() => ValueTask.FromResult(subject);
}

public sealed record SeededProject(int OrganisationId, int ProjectId, IReadOnlyList<int> EnvironmentIds);
