using System.CommandLine;
using System.Globalization;
using OnnxVideo.CommandLine;

namespace OnnxVideo.Cli.GpuCheck;

/// <summary>
/// <c>onnxvideo gpu-check</c>: inference and training on CUDA and TensorRT compared with the CPU (what
/// <c>./build.sh gpu-check</c> runs). Exit 0 when every comparison holds, 1 on a mismatch, 2 when a device cannot be used.
/// </summary>
internal static class GpuCheckCommand
{
    public static Command Create()
    {
        var devices = new Option<string>("--devices") { Description = "Comma-separated devices to compare with the CPU: cuda, tensorrt, cpu (default cuda,tensorrt)", DefaultValueFactory = _ => "cuda,tensorrt" };
        var clips = CommonOptions.AtLeast(new Option<int>("--clips") { Description = "Synthetic clips to classify (default 8)", DefaultValueFactory = _ => 8 }, 1);
        var command = new Command("gpu-check", "Classify clips and take training steps on CUDA and TensorRT, compare with the CPU, and report throughput");
        command.Options.Add(devices);
        command.Options.Add(clips);
        command.SetHandler((parse, ct) => RunAsync(parse.GetValue(devices)!, parse.GetValue(clips), Console.Out, Console.Error, ct));
        return command;
    }

    /// <summary>Runs the comparison; bad input (an unknown device, one that cannot be used) is a <see cref="UserInputException"/>.</summary>
    public static async Task<int> RunAsync(string deviceList, int clips, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var devices = deviceList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => DeviceOption.Parse("--devices", d)).ToArray();
        using var folder = new ScratchFolder();
        var results = await new GpuCheckRun(folder.Path, Math.Max(1, clips), error).RunAsync(devices, ct);

        Print(output, results);
        return results.All(r => r.Passed) ? 0 : 1;
    }

    private static void Print(TextWriter output, IReadOnlyList<DeviceComparison> results)
    {
        output.WriteLine($"{"device",-9}{"quantity",-28}{"max diff",12}{"tolerance",12}  {"CPU /s",9}{"device /s",11}  result");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Device,-9}{r.Quantity,-28}{r.MaxDifference,12:0.###e+0}{r.Tolerance,12:0.###e+0}  {r.CpuPerSecond,9:0.0}{r.DevicePerSecond,11:0.0}  {(r.Passed ? "ok" : "MISMATCH")}"));
        }
    }

    /// <summary>A temp folder for the model, package and clips, removed afterwards.</summary>
    private sealed class ScratchFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("onnxvideo-gpu-check-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
