using OnnxVideo.Media;

namespace OnnxVideo.Cli.Training;

/// <summary>The media settings of train/evaluate: probes cached (epochs read the same files), and with
/// <c>--no-pad</c> no frame is filled in, so short, truncated or partly undecodable clips fail and are skipped.</summary>
internal static class NoPadOption
{
    public static MediaOptions MediaOptions(bool noPad) =>
        Media.MediaOptions.Default with { CacheProbes = true, PadMissingFrames = !noPad };
}
