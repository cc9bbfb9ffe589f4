using OnnxVideo.Training.Data;

namespace OnnxVideo.Training.Tests.Data;

public sealed class DatasetReaderTests
{
    [Fact]
    public void FolderPerClassReadsVideosAndFrameFoldersAndIgnoresHiddenEntries()
    {
        using var dir = new TempDirectory();
        dir.Touch("walk/a.mp4");
        dir.Touch("walk/b.avi");
        dir.Touch("walk/notes.txt");
        dir.Touch("walk/.hidden.mp4");
        dir.Touch("run/clip1/000001.jpg");
        dir.Touch("run/clip1/000002.jpg");
        dir.Touch("run/c.mkv");
        dir.Touch(".git/x.mp4");
        dir.Touch("readme.md");

        var dataset = DatasetReader.Read(dir.Path);

        Assert.Equal(["run", "walk"], dataset.Classes);
        var byName = dataset.Samples.ToDictionary(s => Path.GetRelativePath(dir.Path, s.Path), s => dataset.Classes[s.Label]);
        Assert.Equal(new Dictionary<string, string>
        {
            ["run/c.mkv"] = "run", ["run/clip1"] = "run", ["walk/a.mp4"] = "walk", ["walk/b.avi"] = "walk",
        }, byName);
        Assert.True(dataset.Samples.Single(s => s.Path.EndsWith("clip1")).IsFrameFolder);
    }

    [Fact]
    public void FolderPerClassFollowsGivenClassOrderAndRejectsUnknownFolder()
    {
        using var dir = new TempDirectory();
        dir.Touch("b/1.mp4");
        dir.Touch("a/1.mp4");
        var dataset = DatasetReader.Read(dir.Path, new DatasetOptions { Classes = ["b", "a", "c"] });
        Assert.Equal(["b", "a", "c"], dataset.Classes);
        Assert.Equal(0, dataset.Samples.Single(s => s.Path.Contains("/b/")).Label);

        var error = Assert.Throws<DatasetException>(() => DatasetReader.Read(dir.Path, new DatasetOptions { Classes = ["a"] }));
        Assert.Contains("unknown label 'b'", error.Message);
        Assert.EndsWith("b", error.Input);

        var empty = Assert.Throws<DatasetException>(() =>
            DatasetReader.Read(dir.Path, new DatasetOptions { Classes = ["a", "b", "c"], RequireEveryClass = true }));
        Assert.Contains("c", empty.Problem);
    }

    [Fact]
    public void EmptyClassFolderIsAnError()
    {
        using var dir = new TempDirectory();
        dir.Touch("a/1.mp4");
        Directory.CreateDirectory(dir.File("b"));
        var error = Assert.Throws<DatasetException>(() => DatasetReader.Read(dir.Path));
        Assert.Contains("class 'b' has no clips", error.Message);
    }

    [Fact]
    public void Ucf101StyleListsUseOneBasedClassIndexAndFolderLabels()
    {
        using var dir = new TempDirectory();
        dir.Touch("classInd.txt", "1 ApplyEyeMakeup\n2 Archery\n");
        dir.Touch("ApplyEyeMakeup/v_1.avi");
        dir.Touch("Archery/v_2.avi");
        dir.Touch("trainlist01.txt", "ApplyEyeMakeup/v_1.avi 1\nArchery/v_2.avi 2\n");
        dir.Touch("testlist01.txt", "ApplyEyeMakeup/v_1.avi\r\nArchery/v_2.avi\r\n");

        var train = DatasetReader.Read(dir.File("trainlist01.txt"));
        var test = DatasetReader.Read(dir.File("testlist01.txt"));

        Assert.Equal(["ApplyEyeMakeup", "Archery"], train.Classes);
        Assert.Equal([0, 1], train.Samples.Select(s => s.Label));
        Assert.Equal([0, 1], test.Samples.Select(s => s.Label));
        Assert.Equal(dir.File("Archery/v_2.avi"), train.Samples[1].Path);
    }

    [Fact]
    public void CsvListWithHeaderAndNamesAndRawFramesList()
    {
        using var dir = new TempDirectory();
        dir.Touch("videos/x.mp4");
        dir.Touch("videos/y.mp4");
        dir.Touch("frames/f1/img_00001.jpg");
        dir.Touch("train.csv", "path,label\nvideos/x.mp4, jumping\n# comment\n\nvideos/y.mp4,dancing\n");
        dir.Touch("raw.txt", "frames/f1 32 1\n");

        var csv = DatasetReader.Read(dir.File("train.csv"));
        Assert.Equal(["dancing", "jumping"], csv.Classes);
        Assert.Equal([1, 0], csv.Samples.Select(s => s.Label));

        var raw = DatasetReader.Read(dir.File("raw.txt"), new DatasetOptions { Classes = ["a", "b"] });
        Assert.Equal(1, raw.Samples.Single().Label);
        Assert.True(raw.Samples.Single().IsFrameFolder);
    }

    [Fact]
    public void ListErrorsNameFileAndLine()
    {
        using var dir = new TempDirectory();
        dir.Touch("a.mp4");
        dir.Touch("list.txt", "a.mp4 cat\nmissing.mp4 cat\n");
        var missing = Assert.Throws<DatasetException>(() => DatasetReader.Read(dir.File("list.txt")));
        Assert.Equal(dir.File("list.txt") + ":2", missing.Input);
        Assert.Contains("missing file", missing.Problem);

        dir.Touch("list2.txt", "a.mp4 cat\na.mp4 dog\n");
        var unknown = Assert.Throws<DatasetException>(() =>
            DatasetReader.Read(dir.File("list2.txt"), new DatasetOptions { Classes = ["cat"] }));
        Assert.Equal(dir.File("list2.txt") + ":2", unknown.Input);
        Assert.Contains("unknown label 'dog'", unknown.Problem);

        dir.Touch("list3.txt", "a.mp4 7\n");
        var badIndex = Assert.Throws<DatasetException>(() =>
            DatasetReader.Read(dir.File("list3.txt"), new DatasetOptions { Classes = ["cat", "dog"] }));
        Assert.Contains("unknown label '7'", badIndex.Problem);

        Assert.Throws<DatasetException>(() => DatasetReader.Read(dir.File("nope")));
    }

    [Fact]
    public void ClassMapFileWithPlainNamesGivesZeroBasedIndices()
    {
        using var dir = new TempDirectory();
        dir.Touch("map.txt", "zebra\napple\n");
        dir.Touch("a.mp4");
        dir.Touch("list.txt", "a.mp4 0\na.mp4 apple\n");
        var dataset = DatasetReader.Read(dir.File("list.txt"), new DatasetOptions { ClassMapPath = dir.File("map.txt") });
        Assert.Equal(["zebra", "apple"], dataset.Classes);
        Assert.Equal([0, 1], dataset.Samples.Select(s => s.Label));

        dir.Touch("dup.txt", "a\na\n");
        Assert.Throws<DatasetException>(() => ClassMap.Read(dir.File("dup.txt")));
    }
}
