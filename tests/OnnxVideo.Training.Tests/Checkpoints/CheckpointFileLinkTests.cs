using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Training.Checkpoints;

namespace OnnxVideo.Training.Tests.Checkpoints;

/// <summary>Checkpoint files replaced by links or FIFOs are rejected (never followed outside the folder, never opened).</summary>
public sealed class CheckpointFileLinkTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static CheckpointContent Content(long step) => new()
    {
        Step = step,
        Epoch = 0,
        Trainable = [SafetensorsTensor.FromFloats("w", [step, 1f], 2)],
        OptimizerState = [SafetensorsTensor.FromFloats("w.m", [0f, 0f], 2)],
        TrainerStateJson = "{}",
        PackageId = "pkg",
    };

    [Fact]
    public void WeightsLinkedOutsideTheCheckpointWithMatchingHashAreRejected()
    {
        var store = new CheckpointStore(temp.File("ckpt"));
        store.Save(Content(10));
        var newest = store.Save(Content(20));
        var weights = Path.Combine(newest.Directory, Checkpoint.TrainableFile);
        var outside = temp.File("foreign.safetensors");
        SafetensorsWriter.WriteFile(outside, [SafetensorsTensor.FromFloats("w", [99f, 99f], 2)]);
        File.Delete(weights);
        File.CreateSymbolicLink(weights, outside);
        var manifestPath = Path.Combine(newest.Directory, CheckpointManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["files"]![Checkpoint.TrainableFile]!["bytes"] = new FileInfo(outside).Length;
        manifest["files"]![Checkpoint.TrainableFile]!["sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(outside)));
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var error = Assert.Throws<CheckpointException>(() => store.Open(20));
        Assert.Contains("outside its folder", error.Problem);
        Assert.Equal(10, store.LoadNewestValid()!.Step);
    }

    [Fact]
    public async Task ManifestThatIsAFifoIsRejectedWithoutBlocking()
    {
        var store = new CheckpointStore(temp.File("ckpt"));
        store.Save(Content(10));
        var newest = store.Save(Content(20));
        var manifestPath = Path.Combine(newest.Directory, CheckpointManifest.FileName);
        File.Delete(manifestPath);
        PackageFifos.Make(manifestPath);
        var open = Task.Run(() => store.Open(20));
        Assert.True(await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(30))) == open, "opening a checkpoint whose manifest is a FIFO blocked");
        var error = await Assert.ThrowsAsync<CheckpointException>(() => open);
        Assert.Contains("not a regular file", error.Problem);
        Assert.Equal(10, store.LoadNewestValid()!.Step);
    }

    [Fact]
    public void AManifestThatDoesNotListTheWeightsIsRejected()
    {
        var store = new CheckpointStore(temp.File("ckpt"));
        var checkpoint = store.Save(Content(10));
        var manifestPath = Path.Combine(checkpoint.Directory, CheckpointManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["files"]!.AsObject().Remove(Checkpoint.TrainableFile);
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var error = Assert.Throws<CheckpointException>(() => store.Open(10));
        Assert.Contains("not listed", error.Problem);
    }
}
