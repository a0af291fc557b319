using FlagDashboard.Core;

namespace FlagDashboard.AdminApi;

/// <summary>One page of a list: the items, how many there are in all, and which page this is.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int TotalCount, int Page, int PageSize);

/// <summary><c>?page=1&amp;pageSize=50</c>: pages count from 1; a page holds at most 500 items.</summary>
public readonly record struct PageRequest(int? Page, int? PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public int Number => Page ?? 1;

    public int Size => PageSize ?? DefaultPageSize;

    public int Skip => (Number - 1) * Size;

    public PageRequest Validated()
    {
        new ValidationCheck()
            .Check(Number >= 1, "page", "Pages count from 1.")
            .Check(Size is >= 1 and <= MaxPageSize, "pageSize", $"A page holds 1 to {MaxPageSize} items.")
            .ThrowIfInvalid();
        return this;
    }

    public Paged<T> Of<T>(IReadOnlyList<T> all) => new(all.Skip(Skip).Take(Size).ToList(), all.Count, Number, Size);

    public Paged<T> Of<T>(IReadOnlyList<T> items, int totalCount) => new(items, totalCount, Number, Size);
}

/// <summary>Collects bad query parameters by name, like the Core services' validation does for bodies.</summary>
internal sealed class ValidationCheck
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public ValidationCheck Check(bool condition, string field, string message)
    {
        if (!condition)
        {
            _errors[field] = [.. _errors.GetValueOrDefault(field) ?? [], message];
        }

        return this;
    }

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationException(_errors);
        }
    }
}
