using FlagDashboard.Core.Engine;
using FlagDashboard.Core.Engine.JsonPath;
using static FlagDashboard.Tests.Engine.EngineTestContexts;

namespace FlagDashboard.Tests.Engine;

public sealed class JsonPathTests
{
    private static readonly PathNode Document = PathNode.FromJson(System.Text.Json.JsonDocument.Parse("""
        {
          "store": {
            "book": [
              { "title": "A", "price": 8, "tags": ["x"] },
              { "title": "B", "price": 12.5, "isbn": "1" },
              { "title": "C", "price": 22 }
            ],
            "my-name": "dash",
            "o": { "j j": { "k.k": 3 } }
          },
          "n": [0, 1, 2, 3, 4, 5]
        }
        """).RootElement);

    [Theory]
    [InlineData("$.store.book[0].title", "\"A\"")]
    [InlineData("$['store']['book'][1]['title']", "\"B\"")]
    [InlineData("$.store.book[-1].title", "\"C\"")]
    [InlineData("$.store.my-name", "\"dash\"")]             // jsonpath-rfc9535 allows '-' in shorthand names
    [InlineData("$.store.o['j j']['k.k']", "3")]
    [InlineData("$..title", "\"A\"")]
    [InlineData("$..price", "8")]
    [InlineData("$.store.book[*].price", "8")]
    [InlineData("$.store.book[?@.price > 10].title", "\"B\"")]
    [InlineData("$.store.book[?@.price > 10 && @.price < 20].title", "\"B\"")]
    [InlineData("$.store.book[?@.isbn].title", "\"B\"")]
    [InlineData("$.store.book[?!@.isbn && @.price > 20].title", "\"C\"")]
    [InlineData("$.store.book[?@.price == 12.5].title", "\"B\"")]
    [InlineData("$.store.book[?@.price == 22.0].title", "\"C\"")]  // numbers compare by value
    [InlineData("$.store.book[?@.title == 'C' || @.title == 'B'].price", "12.5")]
    [InlineData("$.store.book[?length(@.tags) == 1].title", "\"A\"")]
    [InlineData("$.store.book[?count(@.*) == 2].title", "\"C\"")]
    [InlineData("$.store.book[?match(@.title, '[BC]')].price", "12.5")]
    [InlineData("$.store.book[?search(@.title, 'C')].price", "22")]
    [InlineData("$.store.book[?value(@.price) < 10].title", "\"A\"")]
    [InlineData("$.n[1:3]", "1")]
    [InlineData("$.n[::-1]", "5")]
    [InlineData("$.n[-2:]", "4")]
    [InlineData("$.n[4,1]", "4")]
    [InlineData("$.n[?@ > 3]", "4")]
    [InlineData("$[ 'n' ][ 2 ]", "2")]
    public void QueriesSelectTheFirstNodeInOrder(string query, string expectedJson)
    {
        var node = JsonPathQuery.Parse(query).First(Document);

        Assert.NotNull(node);
        Assert.Equal(EngineValue.FromJson(expectedJson), node.Scalar);
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.n[6]")]
    [InlineData("$.n[?@ > 9]")]
    [InlineData("$.store.book[0].title.deeper")]
    public void QueriesWithoutANodeSelectNothing(string query)
    {
        Assert.Null(JsonPathQuery.Parse(query).First(Document));
    }

    [Fact]
    public void SlicesAndWildcardsKeepDocumentOrder()
    {
        Assert.Equal([1L, 3L], JsonPathQuery.Parse("$.n[1:5:2]").Select(Document).Select(n => n.Scalar.AsLong));
        Assert.Equal([5L, 3L, 1L], JsonPathQuery.Parse("$.n[5:0:-2]").Select(Document).Select(n => n.Scalar.AsLong));
        Assert.Equal(["A", "B", "C"], JsonPathQuery.Parse("$..book[*].title").Select(Document).Select(n => n.Scalar.AsString));
    }

    [Theory]
    [InlineData("$")]
    [InlineData("$.a")]
    [InlineData("$.a-b")]
    [InlineData("$._x9")]
    [InlineData("$.caf\u00e9")]
    [InlineData("$[\"a\\\"b\"]")]
    [InlineData("$['a\\'b']")]
    [InlineData("$['\\u00e9']")]
    [InlineData("$[?@.a == null]")]
    [InlineData("$[?(@.a == 1 || @.b) && !(@.c)]")]
    [InlineData("$..*")]
    [InlineData("$[0:1:1]")]
    [InlineData("$[:]")]
    public void ValidQueriesParse(string query)
    {
        Assert.True(JsonPathQuery.TryParse(query, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$.")]
    [InlineData("a.b")]
    [InlineData(" $.a")]
    [InlineData("$.a ")]
    [InlineData("$.-a")]
    [InlineData("$.1a")]
    [InlineData("$[01]")]
    [InlineData("$[-0]")]
    [InlineData("$['a]")]
    [InlineData("$['\\q']")]
    [InlineData("$[?1]")]
    [InlineData("$[?@.a == @.*]")]                       // non-singular query in a comparison
    [InlineData("$[?length(@.*) == 1]")]                 // non-singular query as a value argument
    [InlineData("$[?match(@.a, 'x') == true]")]          // a logical function is not comparable
    [InlineData("$[?length(@.a)]")]                      // a value function is not a test
    [InlineData("$[?foo(@.a)]")]
    [InlineData("$[?@.a = 1]")]
    [InlineData("$[9007199254740992]")]
    [InlineData("$.a[")]
    public void InvalidQueriesDoNotParse(string query)
    {
        Assert.False(JsonPathQuery.TryParse(query, out _));
    }

    // ---- as condition properties, over the whole context ----

    private static bool PropertyMatches(string property, string op, string value, IdentityContext? identity)
    {
        var context = new EvaluationContext
        {
            Environment = new EnvironmentContext("env", "Production"),
            Segments = [Segment("1", "s", All(Condition(property, op, value)))],
            Features = [new FeatureContext("1", "banner", true, EngineValue.FromNumberLiteral("2.0"))],
        };
        return CompiledEnvironment.Compile(context).Evaluate(identity).Segments.Count == 1;
    }

    [Fact]
    public void APathReadsTraitsIdentityAndEnvironment()
    {
        var identity = Identity("u-1", ("age", "30"), ("my-trait", "\"yes\""), ("nothing", "null"));

        Assert.True(PropertyMatches("$.identity.traits.age", "GREATER_THAN", "18", identity));
        Assert.True(PropertyMatches("$.identity.traits.my-trait", "EQUAL", "yes", identity));
        Assert.True(PropertyMatches("$.identity.identifier", "EQUAL", "u-1", identity));
        Assert.True(PropertyMatches("$.identity.key", "EQUAL", "env_u-1", identity));
        Assert.True(PropertyMatches("$.environment.name", "EQUAL", "Production", identity));
        Assert.True(PropertyMatches("$.environment.name", "EQUAL", "Production", identity: null));
        Assert.True(PropertyMatches("$.features.banner.value", "EQUAL", "2", identity));
        Assert.True(PropertyMatches("$.identity.traits.nothing", "IS_NOT_SET", "", identity));
        Assert.True(PropertyMatches("$.identity.traits.missing", "IS_NOT_SET", "", identity));
        Assert.True(PropertyMatches("$.identity.traits", "IS_NOT_SET", "", identity));        // an object is unset
        Assert.True(PropertyMatches("$.identity.identifier", "IS_NOT_SET", "", identity: null));
    }

    [Fact]
    public void GeneralQueriesRunOverTheWholeContext()
    {
        var identity = Identity("u-1", ("plan", "\"gold\""), ("age", "30"));

        Assert.True(PropertyMatches("$..plan", "EQUAL", "gold", identity));
        Assert.True(PropertyMatches("$.identity.traits[?@ == 'gold']", "EQUAL", "gold", identity));
        Assert.True(PropertyMatches("$.identity.traits.*", "EQUAL", "gold", identity));  // first node in document order
        Assert.True(PropertyMatches("$.identity['traits']['age']", "EQUAL", "30", identity));
        Assert.False(PropertyMatches("$['identity']['traits']['age']", "IS_SET", "", identity)); // must start with "$."
        Assert.True(PropertyMatches("$.segments.*.name", "EQUAL", "s", identity));
        Assert.True(PropertyMatches("$..key", "EQUAL", "env", identity));
    }

    [Fact]
    public void ATraitNamedLikeThePathTakesPrecedence()
    {
        var identity = new IdentityContext("u-1") { Traits = Traits(("$.identity.identifier", "\"from-trait\"")) };

        Assert.True(PropertyMatches("$.identity.identifier", "EQUAL", "from-trait", identity));
        Assert.False(PropertyMatches("$.identity.identifier", "EQUAL", "u-1", identity));
    }

    [Fact]
    public void ANullTraitNamedLikeThePathFallsBackToThePath()
    {
        var identity = new IdentityContext("u-1") { Traits = Traits(("$.identity.identifier", "null")) };

        Assert.True(PropertyMatches("$.identity.identifier", "EQUAL", "u-1", identity));
    }

    [Fact]
    public void APropertyThatDoesNotParseIsOnlyATraitName()
    {
        Assert.True(PropertyMatches("$.[", "EQUAL", "x", Identity("u", ("$.[", "\"x\""))));
        Assert.False(PropertyMatches("$.[", "IS_SET", "", Identity("u")));
        Assert.False(PropertyMatches("identity.identifier", "IS_SET", "", Identity("u")));
    }

    [Fact]
    public void PathResultsThatLookNumericBecomeNumbers()
    {
        var identity = Identity("0123", ("code", "\"42\""));

        Assert.True(PropertyMatches("$.identity.identifier", "EQUAL", "123", identity));   // "0123" -> 123
        Assert.True(PropertyMatches("$.identity.traits.code", "GREATER_THAN", "9", identity));
        Assert.False(PropertyMatches("$.identity.identifier", "IN", "0123", identity));    // compared as "123"
    }
}
