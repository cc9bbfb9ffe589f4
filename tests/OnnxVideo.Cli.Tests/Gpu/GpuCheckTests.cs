using System.Diagnostics;
using OnnxVideo.Ort;

namespace OnnxVideo.Cli.Tests.Gpu;

public sealed class GpuCheckTests
{
    [Fact]
    public void ComparingTheCpuWithItselfPassesAndPrintsEveryRow()
    {
        var (exit, output, error) = CliProcess.Run("onnxvideo", new Dictionary<string, string?>(), "gpu-check", "--devices", "cpu", "--clips", "2");
        Assert.True(exit == 0, error);
        Assert.Matches(@"Cpu\s+clip probabilities\s+0e\+0\s+1e-4 .* ok", output);
        Assert.Matches(@"Cpu\s+losses and gradient norms\s+0e\+0\s+1e-3 .* ok", output);
        Assert.Matches(@"Cpu\s+weights after 3 steps\s+0e\+0\s+1e-3 .* ok", output);
    }

    [Fact]
    public void OnTheCpuPackageCudaIsRefusedWithExitTwo()
    {
        var (exit, output, error) = CliProcess.Run("onnxvideo", new Dictionary<string, string?>(), "gpu-check", "--clips", "1");
        Assert.Equal(2, exit);
        Assert.Contains("Cuda execution provider unavailable", error);
        Assert.Contains("CPU-only build", error);
        Assert.DoesNotContain("MISMATCH", output);
    }

    [WithoutCudaFact]
    public void BuildScriptSaysWhatIsMissingAndExitsTwo()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "build.sh")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("build.sh not found above the test folder");
        }

        using var script = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "build.sh"), "gpu-check"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = script.StandardError.ReadToEnd();
        script.WaitForExit();
        Assert.Equal(2, script.ExitCode);
        Assert.Contains("missing:", error);
        Assert.Contains("libcublasLt.so.13 (CUDA 13)", error);
        Assert.Contains("libnvinfer.so.10 (TensorRT 10)", error);
    }

    [GpuFact]
    public void CudaAndTensorRtMatchTheCpu()
    {
        var onGpuPackage = new Dictionary<string, string?> { [OrtLibrary.PathVariable] = GpuPackageWithoutCudaTests.Inputs.GpuLibrary };
        var (exit, output, error) = CliProcess.Run("onnxvideo", onGpuPackage, "gpu-check", "--clips", "4");
        Assert.True(exit == 0, output + error);
        Assert.DoesNotContain("MISMATCH", output);
        Assert.Matches(@"Cuda\s+weights after 3 steps .* ok", output);
        Assert.Matches(@"TensorRt\s+weights after 3 steps .* ok", output);
    }
}
