namespace OnnxVideo.Runtime.Tests;

/// <summary>Folder inputs with link cycles, links that leave the folder, several paths to one file and names that are
/// not UTF-8: the walk ends, each real file is listed once, and what is left out is reported.</summary>
[Collection(VideoCollection.Name)]
public sealed class FolderWalkTests(VideoFixture videos)
{
    // Generous: the walk takes milliseconds; before link cycles were handled it never ended (and grew without bound).
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private static Task<ExpandedVideoInputs> CollectAsync(params string[] inputs) =>
        Task.Run(() => VideoInputList.Collect(inputs)).WaitAsync(Hang);

    /// <summary>The recipe: <c>L/sub/a.mp4</c>, <c>L/sub/up → ..</c>, <c>L/self → $PWD/L</c>.</summary>
    private string LinkCycles(TempDirectory dir)
    {
        var root = dir.File("L");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        File.Copy(videos.Good[0], Path.Combine(root, "sub", "a.mp4"));
        File.CreateSymbolicLink(Path.Combine(root, "sub", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(root, "self"), root);
        return root;
    }

    [Fact]
    public async Task Link_cycles_end_with_each_real_file_listed_once_and_the_links_reported()
    {
        using var dir = new TempDirectory();
        var root = LinkCycles(dir);

        var found = await CollectAsync(root);

        Assert.Equal([Path.Combine(root, "sub", "a.mp4")], found.Paths);
        Assert.Equal([Path.Combine(root, "self"), Path.Combine(root, "sub", "up")],
            found.Skipped.Select(s => s.Path).Order(StringComparer.Ordinal));
        Assert.All(found.Skipped, s => Assert.Contains("not followed", s.Reason));
    }

    [Fact]
    public async Task Links_that_leave_the_folder_are_skipped_and_reported()
    {
        using var dir = new TempDirectory();
        var root = Directory.CreateDirectory(dir.File("walked")).FullName;
        var outside = Directory.CreateDirectory(dir.File("outside")).FullName;
        File.Copy(videos.Good[0], Path.Combine(outside, "v.mp4"));
        File.Copy(videos.Good[1], Path.Combine(root, "own.mp4"));
        File.CreateSymbolicLink(Path.Combine(root, "out.mp4"), Path.Combine(outside, "v.mp4"));
        File.CreateSymbolicLink(Path.Combine(root, "out-folder"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "broken.mp4"), Path.Combine(outside, "gone.mp4"));

        var found = await CollectAsync(root);

        Assert.Equal([Path.Combine(root, "own.mp4")], found.Paths);
        var reasons = found.Skipped.ToDictionary(s => Path.GetFileName(s.Path), s => s.Reason);
        Assert.Equal(["broken.mp4", "out-folder", "out.mp4"], reasons.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("outside the folder", reasons["out.mp4"]);
        Assert.Contains("outside the folder", reasons["out-folder"]);
        Assert.Contains("broken link", reasons["broken.mp4"]);
    }

    [Fact]
    public async Task Several_paths_to_one_file_list_it_once()
    {
        using var dir = new TempDirectory();
        var root = Directory.CreateDirectory(dir.File("walked")).FullName;
        var own = Path.Combine(root, "a.mp4");
        File.Copy(videos.Good[0], own);
        File.CreateSymbolicLink(Path.Combine(root, "b.mp4"), "a.mp4");
        Directory.CreateDirectory(Path.Combine(root, "data"));
        File.Copy(videos.Good[1], Path.Combine(root, "data", "clip.bin"));
        var onlyViaLink = Path.Combine(root, "c.mp4");
        File.CreateSymbolicLink(onlyViaLink, Path.Combine("data", "clip.bin"));

        var found = await CollectAsync(root, own, Path.Combine(root, "data", "..", "b.mp4"));

        Assert.Equal([own, onlyViaLink], found.Paths);
        Assert.Equal(3, found.Skipped.Count);
        Assert.All(found.Skipped, s => Assert.Contains("'" + own + "'", s.Reason));
    }

    [Fact]
    public async Task Folders_nested_deeper_than_the_limit_are_reported_not_listed()
    {
        using var dir = new TempDirectory();
        var deepest = Path.Combine([dir.Path, .. Enumerable.Repeat("d", VideoFolderWalker.MaxDepth + 1)]);
        Directory.CreateDirectory(deepest);
        File.Copy(videos.Good[0], Path.Combine(deepest, "deep.mp4"));
        File.Copy(videos.Good[1], Path.Combine(Path.GetDirectoryName(deepest)!, "shallower.mp4"));

        var found = await CollectAsync(dir.Path);

        Assert.Equal([Path.Combine(Path.GetDirectoryName(deepest)!, "shallower.mp4")], found.Paths);
        var skipped = Assert.Single(found.Skipped);
        Assert.Equal(deepest, skipped.Path);
        Assert.Contains($"deeper than {VideoFolderWalker.MaxDepth}", skipped.Reason);
    }

    [Fact]
    public async Task A_name_that_is_not_utf8_fails_typed_under_the_same_path_on_every_run()
    {
        using var dir = new TempDirectory();
        NonUtf8Names.CopyAsLatin1(videos.Good[0], dir.Path, ".mp4");
        File.Copy(videos.Good[1], dir.File("fine.mp4"));

        var first = await CollectAsync(dir.Path);
        var again = await CollectAsync(dir.Path);
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = videos.ModelPath, WarmUp = false });
        var results = new List<ClassificationResult>();
        await foreach (var result in classifier.ClassifyManyAsync(first.Paths))
        {
            results.Add(result);
        }

        Assert.Equal(first.Paths, again.Paths);
        Assert.Equal(2, results.Count);
        var failed = Assert.Single(results, r => !r.Succeeded);
        Assert.Contains('\uFFFD', failed.Source);
        Assert.StartsWith(dir.File("latin1_"), failed.Source);
        Assert.Equal(ClassificationFailure.NotFound, failed.Error!.Reason);
        Assert.Contains(nameof(OnnxVideo.Media.VideoInputError.UndecodableName), failed.Error.Message);
        Assert.Contains("not valid UTF-8", failed.Error.Message);
        Assert.Contains(failed.Source, failed.Error.Message);
    }
}
