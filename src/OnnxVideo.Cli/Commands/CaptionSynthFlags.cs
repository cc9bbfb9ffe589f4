using System.CommandLine;
using OnnxVideo.CommandLine;
using OnnxVideo.Media;

namespace OnnxVideo.Cli.Commands;

/// <summary>The flags <c>dataset synth --captions</c> adds, and its run: the captioned set takes the shared --out,
/// --frames, --size, --noise, --seed and --codec, with its own defaults for the first three when they are not given.</summary>
internal sealed class CaptionSynthFlags
{
    private static readonly SyntheticCaptionOptions Defaults = new();

    public Option<bool> Captions { get; } = new("--captions")
    {
        Description = "Write a captioned dataset instead: clips of two events in sequence (\"a red square moves left then a blue circle "
                      + "grows\"), train/, val/ and test/ with captions.jsonl; some colour-shape and shape-motion pairs appear only "
                      + $"in val/ and test/ (heldout.txt). Defaults then: --size {Defaults.Size}, --frames {Defaults.Frames}, --noise {Defaults.Noise}",
    };

    public Option<int> Clips { get; } = new("--clips") { Description = "With --captions: clips in train/", DefaultValueFactory = _ => Defaults.TrainClips };

    public Option<int> ValClips { get; } = new("--val-clips") { Description = "With --captions: clips in val/", DefaultValueFactory = _ => Defaults.ValidationClips };

    public Option<int> TestClips { get; } = new("--test-clips") { Description = "With --captions: clips in test/", DefaultValueFactory = _ => Defaults.TestClips };

    public IEnumerable<Option> All => [Captions, Clips, ValClips, TestClips];

    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>Refuses the caption-only flags on a class dataset.</summary>
    public void RefuseWithoutCaptions(ParseResult parse)
    {
        if (new Option[] { Clips, ValClips, TestClips }.FirstOrDefault(o => Given(parse, o)) is { } given)
        {
            throw new InvalidFlagException(given.Name, "needs --captions");
        }
    }

    public Task<int> RunAsync(ParseResult parse, Option<string> output, Option<int> frames, Option<int> size, Option<int> noise,
        Option<int> seed, Option<string> codec, IEnumerable<Option> classDatasetOnly, CancellationToken ct)
    {
        if (classDatasetOnly.FirstOrDefault(o => Given(parse, o)) is { } unused)
        {
            throw new InvalidFlagException(unused.Name, "is not used with --captions");
        }
        var options = new SyntheticCaptionOptions
        {
            TrainClips = parse.GetValue(Clips),
            ValidationClips = parse.GetValue(ValClips),
            TestClips = parse.GetValue(TestClips),
            Frames = Given(parse, frames) ? parse.GetValue(frames) : Defaults.Frames,
            Size = Given(parse, size) ? parse.GetValue(size) : Defaults.Size,
            Noise = Given(parse, noise) ? parse.GetValue(noise) : Defaults.Noise,
            Seed = parse.GetValue(seed),
            Codec = parse.GetValue(codec)!,
        };
        FlagValues.Check(options.Validate);
        return CaptionDatasetSynthesis.RunAsync(parse.GetValue(output)!, options, ct);
    }
}
