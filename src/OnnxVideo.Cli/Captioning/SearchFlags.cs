using System.CommandLine;
using OnnxVideo.CommandLine;
using OnnxVideo.Runtime;

namespace OnnxVideo.Cli.Captioning;

/// <summary>How captions are decoded: --beam, --max-length, --length-penalty.</summary>
internal sealed class SearchFlags
{
    public Option<int> Beam { get; } = CommonOptions.AtLeast(new Option<int>("--beam") { Description = "Beam width (1 = greedy decoding, the default)", DefaultValueFactory = _ => 1 }, 1);
    public Option<int?> MaxLength { get; } = CommonOptions.Positive(new Option<int?>("--max-length") { Description = "Most caption tokens (default and upper bound: the captioner's maximum)" });
    public Option<float> LengthPenalty { get; } = CommonOptions.AtLeast(
        new Option<float>("--length-penalty") { Description = "Beam search: rank finished captions by log-probability / length^α (default 1)", DefaultValueFactory = _ => 1f }, 0);

    public IEnumerable<Option> All() => [Beam, MaxLength, LengthPenalty];

    public CaptionSearch Read(ParseResult parse) => new()
    {
        BeamWidth = parse.GetValue(Beam),
        MaxLength = parse.GetValue(MaxLength),
        LengthPenalty = parse.GetValue(LengthPenalty),
    };
}
