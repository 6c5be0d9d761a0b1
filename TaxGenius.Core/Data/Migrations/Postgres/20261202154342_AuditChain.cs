using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ApiTokenId",
                table: "AuditEntries",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditChainLinks",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    EntryId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hash = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SealedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditChainLinks", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ApiTokenId_At",
                table: "AuditEntries",
                columns: new[] { "ApiTokenId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_SubjectUserId_At",
                table: "AuditEntries",
                columns: new[] { "SubjectUserId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditChainLinks_EntryId",
                table: "AuditChainLinks",
                column: "EntryId",
                unique: true);

            // The chain is append-only in the database too, like the entries it seals.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_chain_links_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'AuditChainLinks is append-only';
                END $$;
                CREATE TRIGGER audit_chain_links_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "AuditChainLinks"
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_links_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS audit_chain_links_append_only ON "AuditChainLinks";
                DROP FUNCTION IF EXISTS audit_chain_links_append_only();
                """);

            migrationBuilder.DropTable(
                name: "AuditChainLinks");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_ApiTokenId_At",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_SubjectUserId_At",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "ApiTokenId",
                table: "AuditEntries");
        }
    }
}
