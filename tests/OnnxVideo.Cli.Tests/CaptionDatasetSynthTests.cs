using System.CommandLine;
using System.Text.RegularExpressions;
using OnnxVideo.Cli.Commands;
using OnnxVideo.Media;
using OnnxVideo.Text;

namespace OnnxVideo.Cli.Tests;

public sealed partial class CaptionDatasetSynthTests : IDisposable
{
    private static readonly string[] HeldOutPhrases = ["red circle", "blue triangle", "square grows", "circle moves up"];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int Run(params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(DatasetCommand.Create());
        return root.Parse(args).Invoke();
    }

    [GeneratedRegex("^a (\\w+) (\\w+) (moves \\w+|grows|shrinks) then a (\\w+) (\\w+) (moves \\w+|grows|shrinks)$")]
    private static partial Regex CanonicalCaption();

    [Fact]
    public async Task WritesThreeSplitsThatTheCaptionReaderLoadsWithHeldOutPairsOnlyOutsideTrain()
    {
        var folder = _dir.File("ds");
        Assert.Equal(0, Run("dataset", "synth", "--captions", "--out", folder, "--clips", "60", "--val-clips", "8", "--test-clips", "10", "--seed", "3"));

        var train = CaptionDataset.Load(Path.Combine(folder, "train"));
        var val = CaptionDataset.Load(Path.Combine(folder, "val"));
        var test = CaptionDataset.Load(Path.Combine(folder, "test"));
        Assert.Equal((60, 8, 10), (train.Count, val.Count, test.Count));
        Assert.All(train.Concat(val).Concat(test), clip =>
        {
            Assert.Equal(3, clip.Captions.Count);
            Assert.Matches(CanonicalCaption(), clip.Captions[0]);
            Assert.StartsWith("first " + clip.Captions[0].Split(" then ")[0] + " and then ", clip.Captions[1]);
        });

        // Each held-out pair is absent from train, and every val/test clip has one; their parts do appear in train.
        var trainText = string.Join("\n", train.Select(c => c.Captions[0]));
        Assert.All(HeldOutPhrases, phrase => Assert.DoesNotContain(phrase, trainText));
        Assert.All(val.Concat(test), clip => Assert.Contains(HeldOutPhrases, phrase => clip.Captions[0].Contains(phrase)));
        Assert.All(["red ", "circle", "blue ", "triangle", "square", "grows", "moves up"], part => Assert.Contains(part, trainText));
        var expectedHeldOut = new[] { "colour-shape: red circle", "colour-shape: blue triangle", "shape-motion: square grows", "shape-motion: circle moves up" };
        Assert.Equal(expectedHeldOut, File.ReadAllLines(Path.Combine(folder, "heldout.txt")));
        Assert.Equal(expectedHeldOut, File.ReadAllLines(Path.Combine(folder, "test", "heldout.txt")));

        var probe = await FfprobeRunner.ProbeAsync(test[^1].VideoPath, MediaOptions.Default with { ExactFrameCount = true });
        Assert.Equal((32, 32, 8L), (probe.Width, probe.Height, probe.FrameCount));
    }

    [Fact]
    public void TheSameSeedWritesTheSameCaptionsAndAnotherSeedOthers()
    {
        string Captions(string name, string seed)
        {
            var folder = _dir.File(name);
            Assert.Equal(0, Run("dataset", "synth", "--captions", "--out", folder, "--clips", "6", "--val-clips", "2", "--test-clips", "2",
                "--frames", "4", "--size", "16", "--codec", "mjpeg", "--seed", seed));
            return File.ReadAllText(Path.Combine(folder, "train", "captions.jsonl")) + File.ReadAllText(Path.Combine(folder, "test", "captions.jsonl"));
        }

        Assert.Equal(Captions("a", "5"), Captions("b", "5"));
        Assert.NotEqual(Captions("a", "5"), Captions("c", "6"));
    }

    [Theory]
    [InlineData("--captions", "--classes", "3")]
    [InlineData("--captions", "--per-class", "3")]
    [InlineData("--clips", "5")]
    [InlineData("--captions", "--clips", "0")]
    [InlineData("--captions", "--frames", "3")]
    public void FlagsOfTheOtherKindOfDatasetOrOutOfRangeAreRefusedWithoutWriting(params string[] flags)
    {
        var folder = _dir.File("ds");
        Assert.Equal(2, Run(["dataset", "synth", "--out", folder, .. flags]));
        Assert.False(Directory.Exists(folder));
    }
}
