namespace OnnxVideo.Text.Tests;

public sealed class CaptionDatasetTests
{
    private static string Split(TempDirectory dir, string captions, params string[] videos)
    {
        foreach (var video in videos)
        {
            dir.Touch(Path.Combine("train", video), "not empty");
        }
        dir.Touch("train/captions.jsonl", captions);
        return dir.File("train");
    }

    [Fact]
    public void ReadsClipsWithAbsolutePathsAndNormalisedCaptions()
    {
        using var dir = new TempDirectory();
        var split = Split(dir, """
            {"video": "clips/a.mp4", "captions": ["A Red  square moves LEFT", "a red square goes left"], "combination": "ignored"}

            {"video": "b.mp4", "captions": ["a blue circle grows"]}
            """, "clips/a.mp4", "b.mp4");

        var clips = CaptionDataset.Load(split);

        Assert.Equal(2, clips.Count);
        Assert.Equal(Path.Combine(split, "clips", "a.mp4"), clips[0].VideoPath);
        Assert.Equal(["a red square moves left", "a red square goes left"], clips[0].Captions);
        Assert.Equal(1, clips[0].Line);
        Assert.Equal(3, clips[1].Line);
    }

    [Fact]
    public void WriterAndReaderAgree()
    {
        using var dir = new TempDirectory();
        dir.Touch("val/x/1.mp4", "data");
        CaptionDatasetWriter.Write(dir.File("val"), [("x/1.mp4", ["a \"quoted\" ünïcödé caption", "second"])]);

        var clip = Assert.Single(CaptionDataset.Load(dir.File("val")));

        Assert.Equal(["a \"quoted\" ünïcödé caption", "second"], clip.Captions);
    }

    public static TheoryData<string, int, string> BadLines() => new()
    {
        { "", 1, "empty file" },
        { "\n  \n\n", 1, "only blank lines" },
        { "{\"video\": \"a.mp4\", \"captions\": [\"ok\"]}\n{\"video\": \"a.mp4\", \"captions\": [\"ok\"]", 2, "not valid JSON" },
        { "[\"a.mp4\"]", 1, "not a JSON object" },
        { "{\"captions\": [\"x\"]}", 1, "no \"video\"" },
        { "{\"video\": \"a.mp4\"}", 1, "no \"captions\"" },
        { "{\"video\": \"a.mp4\", \"captions\": []}", 1, "no \"captions\"" },
        { "{\"video\": \"a.mp4\", \"captions\": [\"fine\", \"  \\t \"]}", 1, "caption 2 is empty" },
        { "{\"video\": \"a.mp4\", \"captions\": [3]}", 1, "caption 1 is not a string" },
        { "{\"video\": \"a.mp4\", \"captions\": [\"ok\"]}\n{\"video\": \"gone.mp4\", \"captions\": [\"ok\"]}", 2, "video 'gone.mp4' not found" },
        { "{\"video\": \"/etc/passwd\", \"captions\": [\"ok\"]}", 1, "must be relative" },
        { "{\"video\": \"../outside.mp4\", \"captions\": [\"ok\"]}", 1, "leaves the split folder" },
        { "{\"video\": \"sub/../../outside.mp4\", \"captions\": [\"ok\"]}", 1, "leaves the split folder" },
        { "{\"video\": \"empty.mp4\", \"captions\": [\"ok\"]}", 1, "is empty (0 bytes)" },
        { "{\"video\": \"sub\", \"captions\": [\"ok\"]}", 1, "is a folder" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void BadLinesAreTypedErrorsNamingFileAndLine(string captions, int line, string expected)
    {
        using var dir = new TempDirectory();
        var split = Split(dir, captions, "a.mp4", "sub/b.mp4");
        dir.Touch("outside.mp4", "data");
        dir.Touch("train/empty.mp4");

        var error = Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split));

        Assert.Equal(Path.Combine(split, "captions.jsonl"), error.File);
        Assert.Equal(line, error.Line);
        Assert.Contains(expected, error.Problem);
        Assert.StartsWith($"{error.File}:{line}: ", error.Message);
    }

    [Fact]
    public void SymbolicLinksThatLeadOutAreRefusedAndOnesInsideAreFollowed()
    {
        using var dir = new TempDirectory();
        var outside = dir.Touch("secret/clip.mp4", "data");
        var split = Split(dir, """
            {"video": "inside.mp4", "captions": ["ok"]}
            {"video": "linked/clip.mp4", "captions": ["ok"]}
            """, "real/clip.mp4");
        File.CreateSymbolicLink(Path.Combine(split, "inside.mp4"), "real/clip.mp4");
        Directory.CreateSymbolicLink(Path.Combine(split, "linked"), Path.GetDirectoryName(outside)!);

        var error = Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split));
        Assert.Equal(2, error.Line);
        Assert.Contains("symbolic link", error.Problem);
        Assert.Contains("outside", error.Problem);

        // A relative link that climbs out with ".." is refused too.
        File.WriteAllText(Path.Combine(split, "captions.jsonl"), "{\"video\": \"up.mp4\", \"captions\": [\"ok\"]}\n");
        File.CreateSymbolicLink(Path.Combine(split, "up.mp4"), "../secret/clip.mp4");
        Assert.Contains("climbs out", Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split)).Problem);

        File.WriteAllText(Path.Combine(split, "captions.jsonl"), "{\"video\": \"inside.mp4\", \"captions\": [\"ok\"]}\n");
        Assert.Equal(Path.Combine(split, "inside.mp4"), Assert.Single(CaptionDataset.Load(split)).VideoPath);
    }

    [Fact]
    public void ACaptionsFileLinkedFromOutsideIsRefused()
    {
        using var dir = new TempDirectory();
        var elsewhere = dir.Touch("elsewhere.jsonl", "{\"video\": \"a.mp4\", \"captions\": [\"ok\"]}\n");
        dir.Touch("train/a.mp4", "data");
        File.CreateSymbolicLink(dir.File("train/captions.jsonl"), elsewhere);

        var error = Assert.Throws<UserFileException>(() => CaptionDataset.Load(dir.File("train")));

        Assert.Contains("outside", error.Problem);
    }

    [Fact]
    public void CaptionsLongerThanTheMaximumAreRefusedWhenAsked()
    {
        using var dir = new TempDirectory();
        var split = Split(dir, """
            {"video": "a.mp4", "captions": ["a red square"]}
            {"video": "a.mp4", "captions": ["a red square", "a red square moves left then a blue circle grows"]}
            """, "a.mp4");
        var bytesOnly = BpeTokenizer.Train([], 259);

        Assert.Equal(2, CaptionDataset.Load(split).Count);
        Assert.Equal(2, CaptionDataset.Load(split, bytesOnly, 48).Count);
        var error = Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split, bytesOnly, 47));
        Assert.Equal(2, error.Line);
        Assert.Contains("caption 2 is 48 tokens long, above the maximum length of 47", error.Problem);
    }

    [Fact]
    public void MissingFolderOrFileNameThePath()
    {
        using var dir = new TempDirectory();
        Assert.Equal(dir.File("test"), Assert.Throws<UserFileException>(() => CaptionDataset.Load(dir.File("test"))).Input);

        Directory.CreateDirectory(dir.File("val"));
        Assert.Contains("does not exist", Assert.Throws<UserFileException>(() => CaptionDataset.Load(dir.File("val"))).Problem);

        Directory.CreateDirectory(dir.File("test/captions.jsonl"));
        Assert.Contains("is a folder", Assert.Throws<UserFileException>(() => CaptionDataset.Load(dir.File("test"))).Problem);
    }

    [Fact]
    public void FifosAreRefusedWithoutBeingOpened()
    {
        using var dir = new TempDirectory();
        var split = Split(dir, "{\"video\": \"pipe.mp4\", \"captions\": [\"ok\"]}\n");
        PackageFifos.Make(Path.Combine(split, "pipe.mp4"));
        Assert.Contains("not a regular file", Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split)).Problem);

        File.Delete(Path.Combine(split, "captions.jsonl"));
        PackageFifos.Make(Path.Combine(split, "captions.jsonl"));
        Assert.Contains("not a regular file", Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split)).Problem);
    }

    [Fact]
    public void ALinkLoopIsAnErrorNotAHang()
    {
        using var dir = new TempDirectory();
        var split = Split(dir, "{\"video\": \"loop/clip.mp4\", \"captions\": [\"ok\"]}\n");
        Directory.CreateSymbolicLink(Path.Combine(split, "loop"), "loop");

        Assert.Contains("link loop", Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split)).Problem);
    }

    [Fact]
    public void TextThatIsNotUtf8IsRefusedAndBomAndCrLfAreRead()
    {
        using var dir = new TempDirectory();
        var split = Split(dir, "", "a.mp4");
        var file = Path.Combine(split, "captions.jsonl");
        File.WriteAllBytes(file, [.. "\uFEFF{\"video\": \"a.mp4\", \"captions\": [\"ok\"]}\r\n"u8, .. "{\"video\": \"a.mp4\", \"captions\": [\"caf"u8, 0xE9, .. "\"]}\n"u8]);

        var error = Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split));
        Assert.Equal(2, error.Line);
        Assert.Contains("not valid JSON", error.Problem);

        File.WriteAllBytes(file, [.. "\uFEFF{\"video\": \"a.mp4\", \"captions\": [\"Caf\u00e9\"]}\r\n"u8]);
        Assert.Equal(["café"], Assert.Single(CaptionDataset.Load(split)).Captions);
    }

    [Fact]
    public void AnOversizedCaptionFileIsRefusedUnread()
    {
        using var dir = new TempDirectory();
        var split = Split(dir, "");
        using (var stream = File.OpenWrite(Path.Combine(split, "captions.jsonl")))
        {
            stream.SetLength(CaptionDataset.MaxFileBytes + 1);
        }

        Assert.Contains("above the limit", Assert.Throws<CaptionDataException>(() => CaptionDataset.Load(split)).Problem);
    }
}
