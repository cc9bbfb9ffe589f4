using System.Diagnostics;
using System.Runtime.InteropServices;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Ort;
using OnnxVideo.Runtime;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Cli.GpuCheck;

/// <summary>
/// Classifies synthetic clips and takes training steps of a zoo model on the CPU and on each device, and compares.
/// Tolerances: probabilities 1e-4 (CUDA) / 1e-3 (TensorRT, which may fuse and reorder); losses, gradient norms and
/// updated weights after three AdamW steps 1e-3 (CUDA) / 1e-2 (TensorRT); all as |a − b| / (1 + |a|).
/// </summary>
internal sealed class GpuCheckRun(string folder, int clips, TextWriter log)
{
    private const int Frames = 8;
    private const int Size = 64;
    private const int Steps = 3;
    private const int Batch = 4;

    public async Task<IReadOnlyList<DeviceComparison>> RunAsync(IReadOnlyList<ExecutionProvider> devices, CancellationToken ct)
    {
        var (modelPath, packageDir) = Build();
        var clipPaths = await SynthesizeClipsAsync(ct);
        var cpuScores = await ClassifyAsync(modelPath, clipPaths, ExecutionProvider.Cpu, ct);
        var cpuSteps = Train(packageDir, ExecutionProvider.Cpu);
        var results = new List<DeviceComparison>();
        foreach (var device in devices)
        {
            var tolerance = device == ExecutionProvider.TensorRt ? 10.0 : 1.0;
            var scores = await ClassifyAsync(modelPath, clipPaths, device, ct);
            results.Add(new DeviceComparison(device.ToString(), "clip probabilities", DeviceComparison.Difference(cpuScores.Values, scores.Values),
                1e-4 * tolerance, cpuScores.PerSecond, scores.PerSecond));
            var steps = Train(packageDir, device);
            results.Add(new DeviceComparison(device.ToString(), "losses and gradient norms", DeviceComparison.Difference(cpuSteps.Losses, steps.Losses),
                1e-3 * tolerance, cpuSteps.PerSecond, steps.PerSecond));
            results.Add(new DeviceComparison(device.ToString(), $"weights after {Steps} steps", DeviceComparison.Difference(cpuSteps.Weights, steps.Weights),
                1e-3 * tolerance, cpuSteps.PerSecond, steps.PerSecond));
        }

        return results;
    }

    private (string Model, string Package) Build()
    {
        var contract = new PreprocessingContract { Frames = Frames, CropSize = Size, ResizeShortSide = Size, Labels = ["a", "b", "c", "d"] };
        var modelPath = Path.Combine(folder, "tiny3d.onnx");
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 4, Frames = Frames, Size = Size, Seed = 1 });
        ModelContracts.Write(model, contract, source: modelPath);
        OnnxModelFile.Save(model, modelPath);
        var packageDir = Path.Combine(folder, "package");
        TrainingPackageWriter.Write(model, new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            Optimizer = OptimizerSettings.DefaultFor(OptimizerKind.AdamW) with { LearningRate = 1e-3f },
        }, packageDir, modelPath);
        log.WriteLine($"built tiny3d [N, 3, {Frames}, {Size}, {Size}] and its full-tuning AdamW package in {folder}");
        return (modelPath, packageDir);
    }

    private async Task<IReadOnlyList<string>> SynthesizeClipsAsync(CancellationToken ct)
    {
        string[] sources = ["testsrc", "testsrc2", "mandelbrot", "smptebars", "rgbtestsrc", "cellauto"];
        var paths = new List<string>();
        for (var i = 0; i < clips; i++)
        {
            var path = Path.Combine(folder, $"clip{i}.mp4");
            using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg")
            {
                ArgumentList = { "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"{sources[i % sources.Length]}=size=96x96:rate=25", "-t", "1", "-pix_fmt", "yuv420p", path },
            }) ?? throw new InvalidOperationException("cannot start ffmpeg");
            await ffmpeg.WaitForExitAsync(ct);
            if (ffmpeg.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg could not synthesize {path} (exit {ffmpeg.ExitCode})");
            }

            paths.Add(path);
        }

        return paths;
    }

    private async Task<(float[] Values, double PerSecond)> ClassifyAsync(string modelPath, IReadOnlyList<string> clipPaths, ExecutionProvider device, CancellationToken ct)
    {
        await using var classifier = new VideoClassifier(new VideoClassifierOptions { ModelPath = modelPath, Device = device, MaxBatchSize = 4 });
        var watch = Stopwatch.StartNew();
        var values = new List<float>();
        await foreach (var result in classifier.ClassifyManyAsync(clipPaths, ct))
        {
            if (result.Error is { } error)
            {
                throw new InvalidOperationException($"{result.Source} could not be classified on {device}: {error.Message}");
            }

            values.AddRange(result.Probabilities);
        }

        log.WriteLine($"classified {clipPaths.Count} clips on {classifier.ExecutionProvider}");
        return (values.ToArray(), clipPaths.Count / watch.Elapsed.TotalSeconds);
    }

    private (float[] Losses, float[] Weights, double PerSecond) Train(string packageDir, ExecutionProvider device)
    {
        using var session = TrainingSession.Open(PackageLayouts.Load(packageDir), new TrainingSessionOptions { ExecutionProvider = device, LearningRate = 1e-3f });
        var random = new Random(7);
        var video = new float[Batch * session.SampleElements];
        var labels = new int[Batch];
        var losses = new List<float>();
        var watch = Stopwatch.StartNew();
        for (var step = 0; step < Steps; step++)
        {
            for (var i = 0; i < video.Length; i++)
            {
                video[i] = (float)(random.NextDouble() * 2 - 1);
            }

            for (var i = 0; i < Batch; i++)
            {
                labels[i] = random.Next(session.ClassCount);
            }

            var result = session.TrainStep(video, labels);
            losses.Add(result.Loss);
            losses.Add(result.GradientNorm);
        }

        var perSecond = Steps / watch.Elapsed.TotalSeconds;
        log.WriteLine($"took {Steps} training steps on {session.ExecutionProvider}");
        return (losses.ToArray(), session.GetParameters().SelectMany(p => MemoryMarshal.Cast<byte, float>(p.Data.Span).ToArray()).ToArray(), perSecond);
    }

}
