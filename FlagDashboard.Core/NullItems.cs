using System.ComponentModel.DataAnnotations;

namespace FlagDashboard.Core;

/// <summary>
/// System.Text.Json reads <c>[null]</c> into any list; a request's list whose items may not be null says so from its
/// <see cref="IValidatableObject.Validate"/>, and the answer is a 400 naming the item (<c>rules[0]</c>) rather than a
/// failure deep in a service.
/// </summary>
public static class NullItems
{
    public static IEnumerable<ValidationResult> In<T>(IEnumerable<T?>? items, string name)
    {
        var index = 0;
        foreach (var item in items ?? [])
        {
            if (item is null)
            {
                yield return new ValidationResult("May not be null.", [$"{name}[{index}]"]);
            }

            index++;
        }
    }
}
