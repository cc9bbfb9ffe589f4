using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Training.Checkpoints;

namespace OnnxVideo.Training.Tests.Checkpoints;

public sealed class CheckpointStoreTests
{
    private static CheckpointContent Content(long step, float value) => new()
    {
        Step = step,
        Epoch = (int)step / 10,
        Trainable = [SafetensorsTensor.FromFloats("head.fc.weight", [value, value + 1, value + 2, value + 3], 2, 2)],
        OptimizerState = [SafetensorsTensor.FromFloats("head.fc.weight.m", [0.5f, 0.25f, 0, 0], 2, 2)],
        TrainerStateJson = $"{{\"step\":{step}}}",
        PackageId = "pkg-1",
    };

    [Fact]
    public void SavedCheckpointRoundTripsUnderInitializerNames()
    {
        using var dir = new TempDirectory();
        var store = new CheckpointStore(dir.Path);
        store.Save(Content(10, 1f));
        store.Save(Content(20, 5f));

        var newest = store.LoadNewestValid()!;
        Assert.Equal(20, newest.Step);
        Assert.Equal(2, newest.Epoch);
        Assert.Equal("pkg-1", newest.Manifest.PackageId);
        using var trainable = newest.OpenTrainable();
        Assert.Equal([5f, 6f, 7f, 8f], trainable.ReadFloats("head.fc.weight"));
        Assert.Equal([2L, 2L], trainable.GetInfo("head.fc.weight").Shape);
        using var optimizer = newest.OpenOptimizerState();
        Assert.Equal([0.5f, 0.25f, 0, 0], optimizer.ReadFloats("head.fc.weight.m"));
        Assert.Equal("{\"step\":20}", newest.ReadTrainerStateJson());
    }

    [Fact]
    public void UncommittedOrDamagedCheckpointsAreSkipped()
    {
        using var dir = new TempDirectory();
        var store = new CheckpointStore(dir.Path);
        store.Save(Content(10, 1f));
        var second = store.Save(Content(20, 2f));
        store.Save(Content(30, 3f));

        // Newest: killed before its manifest was written.
        File.Delete(Path.Combine(dir.Path, CheckpointStore.FolderName(30), CheckpointManifest.FileName));
        Assert.Equal(20, store.LoadNewestValid()!.Step);

        // Then damage one byte of the second's weights: its hash no longer matches.
        var path = Path.Combine(second.Directory, Checkpoint.TrainableFile);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Assert.Equal(10, store.LoadNewestValid()!.Step);
        var error = Assert.Throws<CheckpointException>(() => store.Open(20));
        Assert.Contains("SHA-256", error.Problem);

        Directory.CreateDirectory(Path.Combine(dir.Path, "step-notanumber"));
        Assert.Equal(10, store.LoadNewestValid()!.Step);
    }

    [Fact]
    public void NonFiniteWeightsAreNeverSaved()
    {
        using var dir = new TempDirectory();
        var store = new CheckpointStore(dir.Path);
        var content = Content(10, 1f) with
        {
            Trainable = [SafetensorsTensor.FromFloats("w", [1f, float.NaN], 2)],
        };
        var error = Assert.Throws<NonFiniteWeightsException>(() => store.Save(content));
        Assert.Equal("w", error.Tensor);
        Assert.Equal(1, error.Index);
        Assert.Null(store.LoadNewestValid());
        Assert.Throws<NonFiniteWeightsException>(() => store.Save(Content(11, 1f) with
        {
            OptimizerState = [SafetensorsTensor.FromFloats("v", [float.PositiveInfinity], 1)],
        }));
    }

    [Fact]
    public void PruneKeepsNewestAndProtectedSteps()
    {
        using var dir = new TempDirectory();
        var store = new CheckpointStore(dir.Path);
        foreach (var step in new long[] { 1, 2, 3, 4, 5 })
        {
            store.Save(Content(step, step));
        }
        store.Prune(keepNewest: 2, keepSteps: [2]);
        var left = Directory.GetDirectories(dir.Path).Select(d => Path.GetFileName(d)!).Order().ToArray();
        Assert.Equal([CheckpointStore.FolderName(2), CheckpointStore.FolderName(4), CheckpointStore.FolderName(5)], left);
    }

    [Fact]
    public void A_full_disk_during_a_save_leaves_no_partial_files_and_says_why()
    {
        using var dir = new TempDirectory();
        new CheckpointStore(dir.Path).Save(Content(10, 1f));
        var before = Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).Order().ToArray();
        foreach (var failing in new[] { Checkpoint.TrainableFile, Checkpoint.OptimizerStateFile, Checkpoint.TrainerStateFile, CheckpointManifest.FileName })
        {
            FullDiskStream? disk = null;
            var store = new CheckpointStore(dir.Path)
            {
                WrapWrite = (name, stream) => name == failing ? disk = new FullDiskStream(stream, capacity: 5) : stream,
            };

            var error = Assert.Throws<CheckpointException>(() => store.Save(Content(20, 2f)));

            Assert.True(disk!.Filled);
            Assert.Contains(CheckpointStore.FolderName(20), error.Location);
            Assert.Contains("No space left on device", error.Problem);
            // Neither the half-written file (under its temporary name) nor the files saved before it remain.
            Assert.Equal(before, Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories).Order().ToArray());
            Assert.False(Directory.Exists(Path.Combine(dir.Path, CheckpointStore.FolderName(20))));
            Assert.Equal(10, store.LoadNewestValid()!.Step);
        }
    }

    [Fact]
    public void RemoveOrphans_deletes_interrupted_saves_and_temporary_files_only()
    {
        using var dir = new TempDirectory();
        var store = new CheckpointStore(dir.Path);
        var valid = store.Save(Content(10, 1f));
        var committed = Directory.GetFiles(valid.Directory).Order().ToArray();
        // What kills during saves leave: a folder without checkpoint.json, temporary files of both writers.
        var interrupted = Path.Combine(dir.Path, CheckpointStore.FolderName(20));
        Directory.CreateDirectory(interrupted);
        File.WriteAllBytes(Path.Combine(interrupted, Checkpoint.TrainableFile), [1, 2, 3]);
        var tensorsTemp = Path.Combine(valid.Directory, $".{Checkpoint.OptimizerStateFile}.{Guid.NewGuid():N}.tmp");
        var atomicTemp = Path.Combine(valid.Directory, $"{CheckpointManifest.FileName}.tmp-4242-{Guid.NewGuid():N}");
        File.WriteAllBytes(tensorsTemp, [1]);
        File.WriteAllBytes(atomicTemp, [1]);
        var unrelated = Path.Combine(dir.Path, "notes.tmp");
        File.WriteAllText(unrelated, "mine");

        var removed = store.RemoveOrphans();

        Assert.Equal(new[] { atomicTemp, interrupted, tensorsTemp }.Order(), removed.Order());
        Assert.Equal(committed, Directory.GetFiles(valid.Directory).Order().ToArray());
        Assert.True(File.Exists(unrelated));
        Assert.Equal(10, store.LoadNewestValid(out var rejected)!.Step);
        Assert.Empty(rejected);
    }
}
