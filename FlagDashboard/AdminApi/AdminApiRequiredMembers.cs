using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace FlagDashboard.AdminApi;

/// <summary>
/// A request's number or boolean without a default is required, as the OpenAPI document says: left out, it was
/// read as 0 or false, so a client that misspelt <c>enabled</c> switched a flag off. The serializer then refuses
/// the body and AdminApiBadRequests names each missing field.
/// </summary>
internal static class AdminApiRequiredMembers
{
    private static readonly Type[] ValueTypes = [typeof(bool), typeof(int), typeof(long), typeof(double)];

    public static void Require(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || !info.Type.Name.EndsWith("Request", StringComparison.Ordinal)
            || info.Type.Namespace?.StartsWith("FlagDashboard", StringComparison.Ordinal) != true)
        {
            return;
        }

        // Records: the primary constructor's parameters say which members have a default.
        var parameters = info.Type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()?.GetParameters() ?? [];
        foreach (var property in info.Properties)
        {
            var name = (property.AttributeProvider as MemberInfo)?.Name;
            if (ValueTypes.Contains(property.PropertyType)
                && parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { HasDefaultValue: false })
            {
                property.IsRequired = true;
            }
        }
    }
}
