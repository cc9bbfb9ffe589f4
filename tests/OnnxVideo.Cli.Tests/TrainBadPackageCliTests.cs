using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OnnxVideo.Packaging;
using OnnxVideo.Media;

namespace OnnxVideo.Cli.Tests;

/// <summary>
/// <c>onnxvideo train</c> on tampered packages: each must stop at once with exit code 2 and one error naming the
/// package file, never a stack trace, and never read a file outside the package or block on a FIFO.
/// </summary>
public sealed class TrainBadPackageCliTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("manifest is a FIFO", "manifest.json")]
    [InlineData("manifest above 16 MB", "manifest.json")]
    [InlineData("parameters null", "manifest.json")]
    [InlineData("files[0].path null", "manifest.json")]
    [InlineData("frames 100000", "manifest.json")]
    [InlineData("train_step.onnx links to /etc/passwd with matching hash", "train_step.onnx")]
    [InlineData("trainable.safetensors links outside with matching hash", "trainable.safetensors")]
    public void TamperedPackageFailsWithExitCode2NamingTheFile(string tampering, string namedFile)
    {
        var contract = new PreprocessingContract { Frames = 2, CropSize = 4, ResizeShortSide = 4, Labels = ["a", "b"] };
        var package = ExportedLinearPackage.Write(temp.File("pkg"), contract);
        Tamper(package, tampering);
        var (code, _, stderr) = CliProcess.Run("train", "--package", package, "--train", temp.File("no-data"), "--out", temp.File("run"));
        Assert.True(code == 2, $"{tampering}: exit {code}\n{stderr}");
        Assert.Contains(Path.Combine(package, namedFile), stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    private void Tamper(string package, string tampering)
    {
        var manifestPath = Path.Combine(package, TrainingPackageManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        switch (tampering)
        {
            case "manifest is a FIFO":
                File.Delete(manifestPath);
                PackageFifos.Make(manifestPath);
                return;
            case "manifest above 16 MB":
                File.AppendAllText(manifestPath, new string(' ', 17 << 20));
                return;
            case "parameters null":
                manifest["parameters"] = null;
                break;
            case "files[0].path null":
                manifest["files"]![0]!["path"] = null;
                break;
            case "frames 100000":
                manifest["contract"]!["frames"] = 100000;
                break;
            case "train_step.onnx links to /etc/passwd with matching hash":
                Link(package, manifest, "train_step.onnx", "/etc/passwd");
                break;
            case "trainable.safetensors links outside with matching hash":
                var outside = temp.File("outside.safetensors");
                File.Copy(Path.Combine(package, "trainable.safetensors"), outside);
                Link(package, manifest, "trainable.safetensors", outside);
                break;
            default:
                throw new ArgumentException(tampering);
        }
        File.WriteAllText(manifestPath, manifest.ToJsonString());
    }

    private static void Link(string package, JsonNode manifest, string name, string target)
    {
        var path = Path.Combine(package, name);
        File.Delete(path);
        File.CreateSymbolicLink(path, target);
        var entry = manifest["files"]!.AsArray().Single(f => (string?)f!["path"] == name)!;
        entry["bytes"] = new FileInfo(target).Length;
        entry["sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(target)));
    }
}
