namespace FlagDashboard.Core;

/// <summary>Lengths that inputs are validated against and columns are sized for.</summary>
public static class FieldLimits
{
    public const int Name = 200;
    public const int FeatureName = 150;
    public const int Description = 2000;
    public const int Tag = 50;
    public const int Key = 100;
    public const int Identifier = 2000;
    public const int TraitKey = 200;
    public const int Value = 20000;
    public const int ConditionProperty = 1000;
    public const int ConditionValue = 10000;
}
