using System.Text.Json;

namespace OnnxVideo.Cli.Tests;

/// <summary><c>classify DIR</c> over a folder with link cycles ends and classifies each real file once.</summary>
[Collection(VideoCollection.Name)]
public sealed class ClassifyFolderWalkTests(VideoFixture videos)
{
    // Generous: the walk takes milliseconds; before link cycles were handled it never ended (and grew without bound).
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Classify_over_a_folder_with_link_cycles_writes_one_result()
    {
        using var dir = new TempDirectory();
        var root = dir.File("L");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        File.Copy(videos.Good[0], Path.Combine(root, "sub", "a.mp4"));
        File.CreateSymbolicLink(Path.Combine(root, "sub", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(root, "self"), root);
        var output = dir.File("o.jsonl");

        var exit = await Task.Run(() => OnnxVideo.Cli.Program.Main(["classify", root, "--model", videos.ModelPath, "--output", output]))
            .WaitAsync(Hang);

        Assert.Equal(0, exit);
        var line = Assert.Single(File.ReadAllLines(output));
        Assert.Equal(Path.Combine(root, "sub", "a.mp4"), JsonDocument.Parse(line).RootElement.GetProperty("path").GetString());
    }
}
