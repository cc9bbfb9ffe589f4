using System.Text.Json.Nodes;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Export.Tests.PackageSupport;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Package files replaced by links or special files: a link must resolve to a regular file inside the package folder
/// (even when the manifest's size and SHA-256 are made to match the target), and a FIFO is refused by its type
/// without being opened.
/// </summary>
public sealed class PackageFileLinkTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void TrainStepLinkedToEtcPasswdWithMatchingHashIsRefused()
    {
        var dir = WritePackage();
        var graph = Path.Combine(dir, "train_step.onnx");
        ReplaceByLink(dir, graph, "/etc/passwd");
        var error = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(graph, error.FilePath);
        Assert.Contains("outside its folder", error.Problem);
    }

    [Fact]
    public void TrainableWeightsLinkedOutsideThePackageAreRefused()
    {
        var dir = WritePackage();
        var weights = Path.Combine(dir, "trainable.safetensors");
        var outside = temp.File("elsewhere.safetensors");
        File.Copy(weights, outside);
        ReplaceByLink(dir, weights, outside);
        var error = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(weights, error.FilePath);
        Assert.Contains("outside its folder", error.Problem);
    }

    [Fact]
    public void ALinkToAnotherFileInsideThePackageIsAccepted()
    {
        var dir = WritePackage();
        var weights = Path.Combine(dir, "trainable.safetensors");
        var inside = Path.Combine(dir, "initial.safetensors");
        File.Copy(weights, inside);
        ReplaceByLink(dir, weights, inside);
        Assert.NotEmpty(TrainingPackage.Load(dir).ReadTrainable());
    }

    [Fact]
    public async Task ManifestThatIsAFifoIsRefusedWithoutBlocking()
    {
        var dir = WritePackage();
        var manifest = Path.Combine(dir, TrainingPackageManifest.FileName);
        File.Delete(manifest);
        PackageFifos.Make(manifest);
        var load = Task.Run(() => TrainingPackage.Load(dir));
        Assert.True(await Task.WhenAny(load, Task.Delay(Bound)) == load, $"loading a package whose manifest is a FIFO still blocked after {Bound.TotalSeconds} s");
        var error = await Assert.ThrowsAsync<TrainingPackageException>(() => load);
        Assert.Equal(manifest, error.FilePath);
        Assert.Contains("not a regular file", error.Problem);
    }

    [Fact]
    public void ManifestLinkedFromOutsideIsRefused()
    {
        var dir = WritePackage();
        var manifest = Path.Combine(dir, TrainingPackageManifest.FileName);
        var outside = temp.File("manifest-elsewhere.json");
        File.Move(manifest, outside);
        File.CreateSymbolicLink(manifest, outside);
        var error = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(manifest, error.FilePath);
        Assert.Contains("outside its folder", error.Problem);
    }

    [Fact]
    public async Task AGraphFileThatIsAFifoIsRefusedWithoutBlocking()
    {
        var dir = WritePackage();
        var graph = Path.Combine(dir, "eval.onnx");
        File.Delete(graph);
        PackageFifos.Make(graph);
        var load = Task.Run(() => TrainingPackage.Load(dir));
        Assert.True(await Task.WhenAny(load, Task.Delay(Bound)) == load, $"loading a package with a FIFO graph still blocked after {Bound.TotalSeconds} s");
        var error = await Assert.ThrowsAsync<TrainingPackageException>(() => load);
        Assert.Equal(graph, error.FilePath);
    }

    private string WritePackage()
    {
        var dir = temp.File("pkg");
        TrainingPackageWriter.Write(TinyModels.Mlp3d(), new TrainingPackageOptions(), dir);
        return dir;
    }

    /// <summary>Replaces a package file by a link to <paramref name="target"/> and makes the manifest's size and SHA-256 match it.</summary>
    private static void ReplaceByLink(string dir, string file, string target)
    {
        File.Delete(file);
        File.CreateSymbolicLink(file, target);
        var manifestPath = Path.Combine(dir, TrainingPackageManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var entry = manifest["files"]!.AsArray().Single(f => (string?)f!["path"] == Path.GetFileName(file))!;
        entry["bytes"] = new FileInfo(target).Length;
        entry["sha256"] = TrainingPackage.Sha256Of(target);
        File.WriteAllText(manifestPath, manifest.ToJsonString());
    }
}
