using System.Diagnostics;
using System.Globalization;
using OnnxVideo.Media;

namespace OnnxVideo.Benchmarks.Media;

/// <summary>
/// <c>OnnxVideo.Benchmarks first-epoch-read MANIFEST [--workers 2] [--rounds 3] [--frames 8] [--crop 64]</c>: reads every
/// clip of a training manifest (lines "path label", relative to its folder) as a first epoch does — fresh probe
/// cache, random resized crops, <c>--workers</c> reads at once — with ffprobe + ffmpeg per clip and with one ffmpeg per
/// clip (<see cref="MediaOptions.ProbeWhileDecoding"/>), in turns; prints clips/s of each.
/// </summary>
public static class FirstEpochReadComparison
{
    public static int Run(string[] args)
    {
        var manifest = Path.GetFullPath(args[0]);
        int Option(string name, int fallback) =>
            Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var (workers, rounds) = (Option("--workers", 2), Option("--rounds", 3));
        var contract = new PreprocessingContract { Frames = Option("--frames", 8), ResizeShortSide = Option("--crop", 64), CropSize = Option("--crop", 64) };
        var folder = Path.GetDirectoryName(manifest)!;
        var clips = File.ReadLines(manifest).Where(l => l.Trim().Length > 0)
            .Select(l => Path.Combine(folder, l[..l.LastIndexOf(' ')])).ToArray();
        var sides = new[] { ("ffprobe + ffmpeg", false), ("one ffmpeg", true) };
        var rates = sides.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < rounds; r++)
        {
            for (var s = 0; s < sides.Length; s++)
            {
                var options = MediaOptions.Default with { CacheProbes = true, ProbeWhileDecoding = sides[s].Item2 };
                var reader = new VideoClipReader(contract, options);
                var clock = Stopwatch.StartNew();
                Parallel.ForEach(clips, new ParallelOptions { MaxDegreeOfParallelism = workers }, (clip, _, index) =>
                    reader.ReadTrainingSampleAsync(clip, new ClipAugmentation(), (int)index, new float[reader.SampleElements])
                        .GetAwaiter().GetResult());
                rates[s].Add(clips.Length / clock.Elapsed.TotalSeconds);
            }
        }
        Console.WriteLine($"{clips.Length} clips, {workers} workers, {rounds} rounds in turns, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        for (var s = 0; s < sides.Length; s++)
        {
            var sorted = rates[s].Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{sides[s].Item1,-18} median {sorted[sorted.Count / 2]:0.0} clips/s ({string.Join(", ", rates[s].Select(x => x.ToString("0.0", CultureInfo.InvariantCulture)))})"));
        }
        return 0;
    }
}
