using System.Globalization;
using System.Text;
using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>
/// Generates a labelled video dataset whose classes differ only in motion (<see cref="MotionKind"/>): frames are
/// rendered in C# and piped as raw rgb24 into ffmpeg, one encode per clip, several at once. Deterministic for a seed
/// (up to the encoder). It is the built-in data of the demo and the tests.
/// </summary>
internal static class SyntheticVideoDataset
{
    /// <summary>Accepted codec names → (ffmpeg encoder arguments, file extension).</summary>
    public static IReadOnlyDictionary<string, (string[] Arguments, string Extension)> Codecs { get; } =
        new Dictionary<string, (string[], string)>(StringComparer.Ordinal)
        {
            ["h264"] = (["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-bf", "0", "-pix_fmt", "yuv420p"], "mp4"),
            ["hevc"] = (["-c:v", "libx265", "-preset", "ultrafast", "-crf", "20", "-x265-params", "log-level=error:scenecut=0:open-gop=0:bframes=0", "-pix_fmt", "yuv420p", "-tag:v", "hvc1"], "mp4"),
            ["vp9"] = (["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "0", "-crf", "30", "-pix_fmt", "yuv420p"], "webm"),
            ["mpeg4"] = (["-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p"], "avi"),
            ["mjpeg"] = (["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p"], "mkv"),
            ["ffv1"] = (["-c:v", "ffv1", "-pix_fmt", "rgb24"], "mkv"),
        };

    // ffmpeg's segment muxer cuts ffv1 streams at the wrong frames; those clips get one encode each.
    private static readonly HashSet<string> EncodedPerClip = ["ffv1"];

    public static string LabelOf(MotionKind motion) => motion switch
    {
        MotionKind.MoveRight => "move_right",
        MotionKind.MoveLeft => "move_left",
        MotionKind.MoveUp => "move_up",
        MotionKind.MoveDown => "move_down",
        MotionKind.Grow => "grow",
        MotionKind.Shrink => "shrink",
        MotionKind.RotateClockwise => "rotate_cw",
        MotionKind.RotateCounterClockwise => "rotate_ccw",
        _ => throw new ArgumentOutOfRangeException(nameof(motion)),
    };

    public static string LabelOf(PretextMotion motion) => motion switch
    {
        PretextMotion.MoveUpRight => "move_up_right",
        PretextMotion.MoveUpLeft => "move_up_left",
        PretextMotion.MoveDownRight => "move_down_right",
        PretextMotion.MoveDownLeft => "move_down_left",
        PretextMotion.OrbitClockwise => "orbit_cw",
        PretextMotion.OrbitCounterClockwise => "orbit_ccw",
        PretextMotion.BounceHorizontal => "bounce_horizontal",
        PretextMotion.BounceVertical => "bounce_vertical",
        _ => throw new ArgumentOutOfRangeException(nameof(motion)),
    };

    /// <summary>The class names of <paramref name="classes"/> classes of a preset, in class order.</summary>
    public static string[] LabelsOf(SyntheticPreset preset, int classes) => Enumerable.Range(0, classes)
        .Select(i => preset == SyntheticPreset.Pretext ? LabelOf((PretextMotion)i) : LabelOf((MotionKind)i)).ToArray();

    /// <summary>Renders and encodes the dataset under <paramref name="outputDirectory"/> (created if missing; existing
    /// clips with the same names are overwritten). Manifests are written last, so a dataset with manifests is
    /// complete.</summary>
    public static async Task<SyntheticDataset> GenerateAsync(string outputDirectory, SyntheticDatasetOptions options,
        CancellationToken ct = default)
    {
        options.Validate();
        var root = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(root);
        var size = options.Size + (options.Size & 1);
        var labels = LabelsOf(options.Preset, options.Classes);
        var (encoder, extension) = Codecs[options.Codec];
        var validationPerClass = (int)Math.Round(options.ClipsPerClass * options.ValidationFraction);

        var clips = new List<SyntheticClip>();
        for (var c = 0; c < labels.Length; c++)
        {
            Directory.CreateDirectory(Path.Combine(root, labels[c]));
            for (var i = 0; i < options.ClipsPerClass; i++)
            {
                var relative = $"{labels[c]}/{labels[c]}_{i:D3}.{extension}";
                clips.Add(new SyntheticClip(relative, c, i >= options.ClipsPerClass - validationPerClass));
            }
        }

        // One ffmpeg process per class encodes all its clips as one stream split into files by the segment muxer
        // (a key frame forced at every clip start): process start-up dominates the cost of such small clips.
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Media.ProcessLimiter.MaxConcurrentProcesses,
            CancellationToken = ct,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, labels.Length), parallel, async (label, token) =>
        {
            // A single clip per class is one plain encode too (the segment muxer would get no split points).
            if (EncodedPerClip.Contains(options.Codec) || options.ClipsPerClass == 1)
            {
                for (var i = 0; i < options.ClipsPerClass; i++)
                {
                    var file = Path.Combine(root, labels[label], $"{labels[label]}_{i:D3}.{extension}");
                    await EncodeAsync((MotionKind)label, i, 1, size, options, encoder, extension, file, token).ConfigureAwait(false);
                }
            }
            else
            {
                var pattern = Path.Combine(root, labels[label], $"{labels[label]}_%03d.{extension}");
                await EncodeAsync((MotionKind)label, 0, options.ClipsPerClass, size, options, encoder, extension, pattern, token)
                    .ConfigureAwait(false);
            }
            for (var i = 0; i < options.ClipsPerClass; i++)
            {
                var file = Path.Combine(root, labels[label], $"{labels[label]}_{i:D3}.{extension}");
                if (!File.Exists(file))
                {
                    throw new IOException($"{file}: ffmpeg did not write this clip");
                }
            }
        }).ConfigureAwait(false);

        var ordered = clips;
        var labelsPath = Path.Combine(root, "labels.txt");
        var manifest = Path.Combine(root, "manifest.txt");
        var train = Path.Combine(root, "train.txt");
        var validation = Path.Combine(root, "val.txt");
        await WriteAtomicAsync(labelsPath, string.Concat(labels.Select(l => l + "\n")), ct).ConfigureAwait(false);
        await WriteAtomicAsync(train, Lines(ordered.Where(c => !c.Validation)), ct).ConfigureAwait(false);
        await WriteAtomicAsync(validation, Lines(ordered.Where(c => c.Validation)), ct).ConfigureAwait(false);
        await WriteAtomicAsync(manifest, Lines(ordered), ct).ConfigureAwait(false);
        return new SyntheticDataset(root, labels, ordered, manifest, train, validation, labelsPath);
    }

    /// <summary>
    /// The seed of clip <paramref name="index"/> of class <paramref name="label"/>, hashed (SplitMix64's finaliser):
    /// the first draws of .NET's seeded <see cref="Random"/> are linear in the seed, so seeds one apart gave each
    /// class's colours and sizes on a lattice, and clips of one class were never nearest neighbours.
    /// </summary>
    internal static int ClipSeed(int datasetSeed, int label, int index)
    {
        var z = unchecked(((ulong)(uint)datasetSeed << 32 | (uint)label << 24 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    private static string Lines(IEnumerable<SyntheticClip> clips)
    {
        var text = new StringBuilder();
        foreach (var clip in clips)
        {
            text.Append(clip.RelativePath).Append(' ').Append(clip.Label.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }

    private static async Task WriteAtomicAsync(string path, string text, CancellationToken ct)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text, ct).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Encodes clips <paramref name="first"/>.. of one class: a single clip to a file, or several as one stream
    /// cut into files by the segment muxer (<paramref name="output"/> is then a %03d pattern).</summary>
    private static Task EncodeAsync(MotionKind motion, int first, int count, int size,
        SyntheticDatasetOptions options, string[] encoder, string extension, string output, CancellationToken ct) =>
        EncodeClipsAsync(new SyntheticEncoding(size, options.Frames, options.FrameRate, encoder, extension, options.Media),
            count, 0, output, (i, frames) =>
            {
                var seed = ClipSeed(options.Seed, (int)motion, first + i);
                if (options.Preset == SyntheticPreset.Pretext)
                {
                    PretextClipRenderer.Render((PretextMotion)motion, size, options.Frames, options.Distractors, options.Noise,
                        new Random(seed), frames);
                }
                else
                {
                    SyntheticClipRenderer.Render(motion, size, options.Frames, options.Distractors, options.Noise,
                        new Random(seed), frames);
                }
            }, ct);

    /// <summary>Encodes <paramref name="count"/> clips rendered by <paramref name="renderClip"/> (clip index, rgb24
    /// frames to fill): one clip to the file <paramref name="output"/>, or several as one stream cut into files by the
    /// segment muxer (<paramref name="output"/> is then a printf pattern numbered from <paramref name="startNumber"/>).</summary>
    internal static async Task EncodeClipsAsync(SyntheticEncoding encoding, int count, int startNumber, string output,
        Action<int, byte[]> renderClip, CancellationToken ct)
    {
        var (size, clipFrames) = (encoding.Size, encoding.Frames);
        var splits = string.Join(',', Enumerable.Range(1, count - 1).Select(i => (i * clipFrames).ToString(CultureInfo.InvariantCulture)));
        var format = encoding.Extension switch { "mp4" => "mp4", "webm" => "webm", "avi" => "avi", _ => "matroska" };
        List<string> arguments =
        [
            "-hide_banner", "-v", "error", "-y", "-threads", "1",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{size}x{size}",
            "-framerate", encoding.FrameRate.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
            .. encoding.Encoder,
            "-g", clipFrames.ToString(CultureInfo.InvariantCulture),
            "-force_key_frames", $"expr:eq(mod(n,{clipFrames}),0)",
        ];
        if (count > 1)
        {
            arguments.AddRange(["-f", "segment", "-segment_format", format, "-segment_frames", splits, "-reset_timestamps", "1",
                "-segment_start_number", startNumber.ToString(CultureInfo.InvariantCulture)]);
        }
        arguments.Add("file:" + output);
        var run = await ToolRunner.RunAsync(encoding.Media.FfmpegPath, arguments, output, encoding.Media,
            encoding.Media.DecodeTimeout,
            async (stdout, token) =>
            {
                await stdout.CopyToAsync(Stream.Null, token).ConfigureAwait(false);
                return (0, false);
            }, ct,
            async (stdin, token) =>
            {
                var frames = new byte[clipFrames * size * size * 3];
                for (var i = 0; i < count; i++)
                {
                    renderClip(i, frames);
                    await stdin.WriteAsync(frames, token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        if (run.ExitCode != 0)
        {
            throw new VideoInputException(output, VideoInputError.Unreadable,
                $"ffmpeg could not encode the synthetic clips (exit code {run.ExitCode})", run.StderrTail);
        }
    }
}
