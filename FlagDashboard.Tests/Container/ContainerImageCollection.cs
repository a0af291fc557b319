namespace FlagDashboard.Tests.Container;

/// <summary>
/// The test classes that use the image (the container checks and the Kubernetes play): one build for all of them, and
/// their containers, ports and volumes never side by side, since a collection's classes run one after the other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ContainerImageCollection : ICollectionFixture<ContainerImage>
{
    public const string Name = "Container image";
}
