namespace OnnxVideo.Media;

/// <summary>
/// Generates the videos of a synthetic captioned dataset: each clip shows two events in sequence (colour × shape ×
/// motion, <see cref="CaptionScene"/>) and carries three paraphrased captions (<see cref="CaptionGrammar"/>). train/
/// holds only events without a held-out pair (<see cref="CaptionHoldout"/>); every clip of val/ and test/ has at least
/// one held-out event, so they measure composition. Videos go to &lt;split&gt;/clips/NNNNN.&lt;ext&gt;; writing the
/// captions files is the caller's (OnnxVideo.Text owns that format). Deterministic for a seed (up to the encoder).
/// </summary>
internal static class SyntheticCaptionDataset
{
    public static readonly string[] SplitNames = ["train", "val", "test"];

    // Clips per ffmpeg process: one encode per clip would be dominated by process start-up.
    private const int ClipsPerEncode = 100;

    public static async Task<IReadOnlyList<SyntheticCaptionSplit>> GenerateAsync(string outputDirectory,
        SyntheticCaptionOptions options, CancellationToken ct = default)
    {
        options.Validate();
        var root = Path.GetFullPath(outputDirectory);
        var (encoder, extension) = SyntheticVideoDataset.Codecs[options.Codec];
        var encoding = new SyntheticEncoding(options.Size + (options.Size & 1), options.Frames, options.FrameRate, encoder, extension,
            options.Media);
        var counts = new[] { options.TrainClips, options.ValidationClips, options.TestClips };
        var splits = new List<SyntheticCaptionSplit>();
        var work = new List<(int Split, int First, int Count)>();
        for (var s = 0; s < SplitNames.Length; s++)
        {
            var scenes = PlanScenes(options.Holdout, heldOut: s > 0, counts[s], new Random(unchecked(options.Seed * 7919 + s)));
            var clips = scenes.Select((scene, i) => new SyntheticCaptionedClip($"clips/{i:D5}.{extension}", scene, CaptionGrammar.Captions(scene)))
                .ToArray();
            var folder = Path.Combine(root, SplitNames[s]);
            Directory.CreateDirectory(Path.Combine(folder, "clips"));
            splits.Add(new SyntheticCaptionSplit(SplitNames[s], folder, clips));
            for (var first = 0; first < clips.Length; first += ClipsPerEncode)
            {
                work.Add((s, first, Math.Min(ClipsPerEncode, clips.Length - first)));
            }
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Media.ProcessLimiter.MaxConcurrentProcesses, CancellationToken = ct };
        await Parallel.ForEachAsync(work, parallel, async (item, token) =>
        {
            var split = splits[item.Split];
            var output = item.Count == 1
                ? Path.Combine(split.Folder, split.Clips[item.First].RelativePath)
                : Path.Combine(split.Folder, "clips", $"%05d.{extension}");
            await SyntheticVideoDataset.EncodeClipsAsync(encoding, item.Count, item.First, output, (i, frames) =>
            {
                var index = item.First + i;
                CaptionedClipRenderer.Render(split.Clips[index].Scene, encoding.Size, options.Frames, options.Noise,
                    new Random(ClipSeed(options.Seed, item.Split, index)), frames);
            }, token).ConfigureAwait(false);
            for (var i = item.First; i < item.First + item.Count; i++)
            {
                var file = Path.Combine(split.Folder, split.Clips[i].RelativePath);
                if (!File.Exists(file))
                {
                    throw new IOException($"{file}: ffmpeg did not write this clip");
                }
            }
        }).ConfigureAwait(false);
        return splits;
    }

    /// <summary>The render seed of clip <paramref name="index"/> of split <paramref name="split"/>: hashed like the
    /// classification clips' (<see cref="SyntheticVideoDataset.ClipSeed"/>), since seeds one apart give correlated
    /// first draws (background grey, object sizes and positions) from .NET's seeded <see cref="Random"/>.</summary>
    internal static int ClipSeed(int datasetSeed, int split, int index) => SyntheticVideoDataset.ClipSeed(datasetSeed, split, index);

    /// <summary>
    /// Training scenes cycle through every allowed first event (shuffled) with a random allowed second event; held-out
    /// scenes cycle through the held-out events, placed first or second at random, with any other event beside them.
    /// The two events of a scene are always different objects (colour or shape differ).
    /// </summary>
    internal static List<CaptionScene> PlanScenes(CaptionHoldout holdout, bool heldOut, int count, Random rng)
    {
        var allowed = CaptionEvent.All.Where(e => !holdout.IsHeldOut(e)).ToArray();
        var held = CaptionEvent.All.Where(holdout.IsHeldOut).ToArray();
        var cycle = heldOut ? held : allowed;
        var partners = heldOut ? CaptionEvent.All.ToArray() : allowed;
        rng.Shuffle(cycle);
        var scenes = new List<CaptionScene>(count);
        for (var i = 0; i < count; i++)
        {
            var main = cycle[i % cycle.Length];
            CaptionEvent other;
            do
            {
                other = partners[rng.Next(partners.Length)];
            }
            while (other.Colour == main.Colour && other.Shape == main.Shape);
            scenes.Add(heldOut && rng.Next(2) == 1 ? new CaptionScene(other, main) : new CaptionScene(main, other));
        }
        return scenes;
    }
}
