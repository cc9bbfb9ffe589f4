using System.Diagnostics;
using System.Globalization;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Onnx;

namespace OnnxVideo.Benchmarks.Runtime;

/// <summary>
/// The runtime benchmarks' inputs, made once and kept in the temp folder between benchmark processes: h264 videos
/// (320×240, 25 fps, 4 s, different lavfi sources) and the zoo's tiny3d at 8×112×112 with its contract (2 test clips).
/// </summary>
public static class ClassifyBenchmarkData
{
    public const int VideoCount = 12;
    public const int ClipsPerVideo = 2;
    public const int Clips = VideoCount * ClipsPerVideo;

    private static readonly string[] Sources = ["testsrc", "testsrc2", "mandelbrot", "smptebars", "rgbtestsrc", "cellauto"];

    public static PreprocessingContract Contract { get; } = new()
    {
        Frames = 8,
        Sampling = SamplingMode.UniformSegments,
        TestClips = ClipsPerVideo,
        TestCrops = 1,
        ResizeShortSide = 128,
        CropSize = 112,
        Labels = Enumerable.Range(0, 10).Select(i => $"class{i}").ToArray(),
    };

    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "onnxvideo-bench-runtime-v1");

    public static string ModelPath => Path.Combine(Folder, "tiny3d-112.onnx");

    public static IReadOnlyList<string> Videos { get; } =
        Enumerable.Range(0, VideoCount).Select(i => Path.Combine(Folder, $"video{i:D2}.mp4")).ToArray();

    /// <summary>Creates whatever is missing (files are written to a temp name, then renamed).</summary>
    public static void Ensure()
    {
        Directory.CreateDirectory(Folder);
        if (!File.Exists(ModelPath))
        {
            var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = Contract.Labels.Length, Frames = 8, Size = 112, Seed = 5 });
            ModelContracts.Write(model, Contract);
            var temp = ModelPath + ".tmp.onnx";
            OnnxModelFile.Save(model, temp);
            File.Move(temp, ModelPath, overwrite: true);
        }
        for (int i = 0; i < Videos.Count; i++)
        {
            if (File.Exists(Videos[i]))
            {
                continue;
            }
            var temp = Videos[i] + ".tmp.mp4";
            var source = string.Create(CultureInfo.InvariantCulture, $"{Sources[i % Sources.Length]}=size=320x240:rate=25");
            Run("ffmpeg", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-t", "4",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", temp);
            File.Move(temp, Videos[i], overwrite: true);
        }
    }

    private static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed: {stderr}");
        }
    }
}
