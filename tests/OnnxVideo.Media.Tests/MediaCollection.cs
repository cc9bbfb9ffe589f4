namespace OnnxVideo.Media.Tests;

[CollectionDefinition(Name)]
public sealed class MediaCollection : ICollectionFixture<TestVideos>
{
    public const string Name = "media";
}
