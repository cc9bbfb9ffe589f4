namespace OnnxVideo.Runtime.Tests;

public sealed class InputShardTests
{
    private static readonly string[] Paths = Enumerable.Range(0, 23).Select(i => $"/data/v{i * 37 % 23:D3}.mp4").ToArray();

    [Fact]
    public void Shards_are_disjoint_cover_the_list_and_do_not_depend_on_input_order()
    {
        var shards = Enumerable.Range(0, 4).Select(i => new InputShard(i, 4).Select(Paths)).ToArray();
        var reversed = Enumerable.Range(0, 4).Select(i => new InputShard(i, 4).Select(Paths.Reverse())).ToArray();

        Assert.Equal(Paths.Order(StringComparer.Ordinal), shards.SelectMany(s => s).Order(StringComparer.Ordinal));
        Assert.Equal(Paths.Length, shards.SelectMany(s => s).Distinct().Count());
        Assert.All(shards, s => Assert.InRange(s.Count, 5, 6));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(shards[i], reversed[i]);
        }
        // Sorted: v000, v001, v002, ...; shard 1 of 4 takes positions 1, 5, 9, ...
        Assert.Equal(["/data/v001.mp4", "/data/v005.mp4", "/data/v009.mp4", "/data/v013.mp4", "/data/v017.mp4", "/data/v021.mp4"], shards[1]);
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void Malformed_shards_are_refused(string text)
    {
        var e = Assert.Throws<FormatException>(() => InputShard.Parse(text));
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Input_lists_expand_folders_and_list_files()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("sub"));
        File.WriteAllText(dir.File("sub/a.mp4"), "");
        File.WriteAllText(dir.File("b.MKV"), "");
        File.WriteAllText(dir.File("notes.md"), "");
        File.WriteAllText(dir.File("list.txt"), "# comment\n\nx/one.mp4\n/abs/two.webm\n");

        var folder = VideoInputList.Expand([dir.Path]).Order(StringComparer.Ordinal);
        var list = VideoInputList.Expand([dir.File("list.txt")]);

        Assert.Equal([dir.File("b.MKV"), dir.File("sub/a.mp4")], folder);
        Assert.Equal([Path.Combine(dir.Path, "x/one.mp4"), "/abs/two.webm"], list);
    }
}
