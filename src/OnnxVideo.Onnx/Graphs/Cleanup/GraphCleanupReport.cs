namespace OnnxVideo.Onnx.Graphs.Cleanup;

/// <summary>What one <see cref="GraphCleanup.Run"/> did: node counts before and after, and each pass's share.</summary>
internal sealed record GraphCleanupReport(int NodesBefore, int NodesAfter, int Merged, int Folded, int DeadNodes, int DeadInitializers);
