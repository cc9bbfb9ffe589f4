using System.Reflection;
using System.Text.Json;
using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Tests.Gpu;

/// <summary>
/// The CLI on ONNX Runtime's GPU package (Microsoft.ML.OnnxRuntime.Gpu.Linux) on a machine without CUDA: the errors
/// name the library the loader could not find, and <c>auto</c> falls back to the CPU saying why.
/// </summary>
public sealed class GpuPackageWithoutCudaTests : IClassFixture<GpuPackageWithoutCudaTests.Inputs>
{
    private readonly Inputs inputs;

    public GpuPackageWithoutCudaTests(Inputs inputs) => this.inputs = inputs;

    private static Dictionary<string, string?> OnGpuPackage => new() { [OrtLibrary.PathVariable] = Inputs.GpuLibrary };

    [WithoutCudaFact]
    public void InfoListsTheCpuDeviceAndWhyCudaIsNotRegistered()
    {
        var (exit, output, error) = CliProcess.Run("onnxvideo", OnGpuPackage, "info", inputs.Model, "--json");
        Assert.True(exit == 0, error);
        using var report = JsonDocument.Parse(output);
        Assert.Contains("CUDAExecutionProvider", report.RootElement.GetProperty("compiledProviders").EnumerateArray().Select(p => p.GetString()));
        var devices = report.RootElement.GetProperty("devices");
        var cpu = Assert.Single(devices.GetProperty("devices").EnumerateArray());
        Assert.Equal("CPUExecutionProvider", cpu.GetProperty("epName").GetString());
        Assert.Equal("Cpu", cpu.GetProperty("deviceType").GetString());
        var cuda = devices.GetProperty("unregistered").EnumerateArray().Single(u => u.GetProperty("provider").GetString() == "Cuda");
        Assert.Contains("libcublasLt.so.13 is missing; it comes with CUDA 13", cuda.GetProperty("reason").GetString());
    }

    [WithoutCudaFact]
    public void CudaFailsWithTheMissingLibrarysName()
    {
        var (exit, _, error) = CliProcess.Run("onnxvideo", OnGpuPackage, "classify", inputs.Clip, "-m", inputs.Model, "--device", "cuda");
        Assert.Equal(2, exit);
        Assert.Contains("Cuda execution provider could not be loaded: libcublasLt.so.13 is missing", error);
        Assert.Contains("needs CUDA 13, cuDNN 9", error);
        Assert.DoesNotContain("   at ", error);
    }

    [WithoutCudaFact]
    public void AutoFallsBackToTheCpuWithTheReason()
    {
        var (exit, output, error) = CliProcess.Run("onnxvideo", OnGpuPackage, "classify", inputs.Clip, "-m", inputs.Model, "--device", "auto");
        Assert.True(exit == 0, error);
        Assert.Contains(Path.GetFileName(inputs.Clip) + ": class_", output);
        Assert.Contains("on Cpu (requested Auto; TensorRt not used: TensorRt execution provider could not be loaded: libcublas", error);
        Assert.Contains("Cuda not used: Cuda execution provider could not be loaded: libcublasLt.so.13 is missing", error);
    }

    [Fact]
    public void OrtTelemetryStaysOffUnlessAskedFor()
    {
        using var home = new TempDirectory();
        var (exit, _, error) = CliProcess.Run("onnxvideo", new Dictionary<string, string?> { ["HOME"] = home.Path }, "info", inputs.Model);
        Assert.True(exit == 0, error);
        Assert.False(Directory.Exists(Path.Combine(home.Path, ".cache", "Microsoft")), "ORT wrote telemetry under HOME");

        // ONNX Runtime turns its telemetry off by itself where CI is set; the opt-in is checked without it.
        var optedIn = new Dictionary<string, string?> { ["HOME"] = home.Path, [OrtEnvironment.TelemetryVariable] = "1", ["CI"] = null };
        (exit, _, error) = CliProcess.Run("onnxvideo", optedIn, "info", inputs.Model);
        Assert.True(exit == 0, error);
        Assert.True(Directory.Exists(Path.Combine(home.Path, ".cache", "Microsoft", "DeveloperTools", ".onnxruntime")), "opt-in had no effect");
    }

    /// <summary>A tiny3d model with its contract and one synthetic clip, made once for the class.</summary>
    public sealed class Inputs : IDisposable
    {
        private readonly TempDirectory folder = new();

        public Inputs()
        {
            Model = Path.Combine(folder.Path, "m.onnx");
            var (exit, _, error) = CliProcess.Run("onnxvideo-export", new Dictionary<string, string?>(), "create", "--arch", "tiny3d", "--classes", "4", "--out", Model);
            Assert.True(exit == 0, error);
            Clip = Path.Combine(folder.Path, "clip.mp4");
            FfmpegTools.Write("-f", "lavfi", "-i", "testsrc=size=96x96:rate=25", "-t", "1", "-pix_fmt", "yuv420p", Clip);
        }

        public static string GpuLibrary => typeof(Inputs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OrtGpuLibrary").Value!;

        public string Model { get; }

        public string Clip { get; }

        public void Dispose() => folder.Dispose();
    }
}
