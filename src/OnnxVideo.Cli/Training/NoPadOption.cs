using System.CommandLine;
using OnnxVideo.Media;

namespace OnnxVideo.Cli.Training;

/// <summary>The media settings of train/evaluate: probes cached (epochs read the same files), and with
/// <c>--no-pad</c> no frame is filled in, so short, truncated or partly undecodable clips fail and are skipped.</summary>
internal static class NoPadOption
{
    /// <summary><c>--no-pad</c>, as train, evaluate and classify take it.</summary>
    public static Option<bool> Create() => new("--no-pad")
    {
        Description = "Fail (skip) videos that are shorter than a clip, truncated, or have undecodable frames, instead of repeating frames",
    };

    public static MediaOptions MediaOptions(bool noPad) =>
        Media.MediaOptions.Default with { CacheProbes = true, PadMissingFrames = !noPad };
}
